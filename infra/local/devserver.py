"""``make run``: the whole platform in one process, on loopback, with no AWS account and no Docker.

moto's server (DynamoDB, S3, SES, Step Functions, Lambda, IAM) → provisioning of what CDK creates on AWS →
restore of the saved local data → the Chalice API and ``frontend/`` on one origin. Ctrl-C stops it cleanly
(after a last save of the data).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The local stand-in for the hourly ``poll_registered_mail`` schedule: every this many outbox sweeps (10 s).
POSTAL_POLL_TICKS = 5
# The local stand-in for the ``sweep_outbox`` schedule (every minute on AWS): claim emails still pending.
OUTBOX_SWEEP_SECONDS = 2.0
# A first SIGINT/SIGTERM stops the platform within this time, whatever fails or waits (then: forced exit).
STOP_WITHIN_SECONDS = 10
EXIT_STOP_FAILED = 1
EXIT_INTERRUPTED = 130  # a second signal: at once, nothing saved (as a shell reports Ctrl-C)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _platform_on(host: str, port: int) -> bool:
    """Does a local platform (this program: ``/health`` says stage ``local``) answer on this port?"""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/health", timeout=2) as answer:
            return bool(json.loads(answer.read()).get("stage") == "local")
    except (OSError, ValueError):
        return False


def port_taken_message(name: str, host: str, port: int) -> str:
    """Why the platform cannot start on ``port``, in French: another local platform (one left running, an
    orphan of an interrupted run) or another program."""
    if name == "--port" and _platform_on(host, port):
        return (
            f"Une plateforme locale tourne déjà sur le port {port} (http://{host}:{port}) : utilisez-la, ou "
            "arrêtez-la (Ctrl-C dans son terminal ; sinon « pkill -f infra.local.devserver ») avant d'en "
            "démarrer une autre."
        )
    return (
        f"Le port {port} est déjà utilisé. Choisissez-en un autre : make run CLAIMS_PORT=… "
        f"CLAIMS_MOTO_PORT=… (ou {name} …)."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Démarre la plateforme de recouvrement en local.")
    parser.add_argument("--host", default=env("CLAIMS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("CLAIMS_PORT", "8765")))
    parser.add_argument("--moto-port", type=int, default=int(env("CLAIMS_MOTO_PORT", "5056")))
    parser.add_argument(
        "--data-dir", type=Path, default=Path(env("CLAIMS_DATA_DIR", str(ROOT / ".local-data")))
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=float(env("CLAIMS_TIME_SCALE", "1")),
        help="1 = temps réel ; 86400 = une journée passe en une seconde (attentes et relances)",
    )
    parser.add_argument("--save-interval", type=float, default=float(env("CLAIMS_SAVE_INTERVAL", "5")))
    return parser.parse_args(argv)


def configure_environment(args: argparse.Namespace) -> None:
    """Point every AWS SDK of this process (boto3, PynamoDB, Powertools) at the embedded moto server."""
    endpoint = f"http://127.0.0.1:{args.moto_port}"
    os.environ.update(
        {
            "MOTO_PORT": str(args.moto_port),  # moto's Step Functions executor calls localhost:$MOTO_PORT
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-3"),
            "CLAIMS_STAGE": "local",
            "CLAIMS_LOCAL_MODE": "1",
            # moto signs Cognito tokens with a public static key: accepted here, and only here.
            "CLAIMS_ALLOW_LOCAL_SIGNING_KEY": "1",
            # Stable user-pool and app-client ids across restarts (tokens and saved users stay valid).
            "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
            "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
            "CLAIMS_PUBLIC_URL": f"http://{args.host}:{args.port}",
            "POWERTOOLS_TRACE_DISABLED": "1",
            "POWERTOOLS_SERVICE_NAME": "claims",
        }
    )
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    if "/_local/maileva" in os.environ.get("MAILEVA_API_BASE", "/_local/maileva"):
        # No real Maileva account: the registered letters go through Maileva's local twin (issue 23).
        os.environ.setdefault("POSTAL_PROVIDER", "maileva")


class LocalPlatform:
    """Start, serve and stop the embedded platform. Used by ``make run`` and by the end-to-end tests."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._stopped = threading.Event()
        self._moto: Any = None
        self._http: Any = None
        self._saver: Any = None
        self.journal: Any = None
        self._sweeper: threading.Thread | None = None
        self._stop_sweeping = threading.Event()
        self.store: Any = None
        self.fake_stripe: Any = None
        self.fake_maileva: Any = None
        self._stop_lock = threading.Lock()
        self._stop_requested_at: float | None = None
        self.stop_failures: list[str] = []

    def start(self) -> None:
        args = self.args
        for name, port in (("--port", args.port), ("--moto-port", args.moto_port)):
            host = args.host if name == "--port" else "127.0.0.1"
            if not _port_is_free(host, port):
                raise SystemExit(port_taken_message(name, host, port))
        configure_environment(args)
        sys.path.insert(0, str(ROOT))

        from infra.local import localaws

        localaws.install(time_scale=args.time_scale)
        from moto.server import ThreadedMotoServer

        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=args.moto_port, verbose=False)
        self._moto.start()
        request = urllib.request.Request(
            f"http://127.0.0.1:{args.moto_port}/moto-api/config",
            data=json.dumps(localaws.MOTO_CONFIG).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(request, timeout=10).close()

        from chalice.cli.factory import CLIFactory

        from chalicelib.settings import get_settings
        from infra.local.journal import Journal
        from infra.local.provision import provision
        from infra.local.snapshot import Checkpointer, LocalDataStore
        from infra.local.webserver import create_server

        factory = CLIFactory(project_dir=str(ROOT))
        config = factory.create_config_obj(chalice_stage_name="local")
        chalice_app = factory.load_chalice_app()
        from chalicelib import logs

        logs.use_local_console()  # one short JSON line each; expected errors without a traceback
        provisioned = provision(get_settings(), chalice_app)
        # The pool's ids exist only now: export them, then make the app read its settings again.
        jwks_url = f"http://127.0.0.1:{args.moto_port}/{provisioned.user_pool_id}/.well-known/jwks.json"
        os.environ.update(provisioned.cognito_environment(jwks_url))
        get_settings.cache_clear()
        settings = get_settings()

        from chalicelib.adapters.dynamo import ALL_MODELS, LOCAL_ONLY_MODELS
        from infra.local.demo import ensure_demo_accounts
        from infra.spec import user_pool_name

        tables = [model.Meta.table_name for model in ALL_MODELS + LOCAL_ONLY_MODELS]
        self.store = LocalDataStore(
            args.data_dir,
            tables=tables,
            buckets=[settings.documents_bucket],
            user_pools={user_pool_name(settings.resource_prefix): provisioned.user_pool_id},
        )
        # The snapshot, then the journal's writes since (infra/local/journal.py); from now on every write is
        # journaled (flushed to disk) before it is answered.
        self.journal = Journal(
            args.data_dir,
            tables=tables,
            buckets=[settings.documents_bucket],
            user_pools={user_pool_name(settings.resource_prefix): provisioned.user_pool_id},
        )
        restored = self.store.restore()
        replayed = self.journal.replay()
        if replayed["frames"]:  # the journal's writes may predate what restore() set again
            restored["totals_corrected"] = self.store._rebuild_totals()
            restored["lawyer_due_set"] += self.store.backfill_lawyer_due()
        for dropped in replayed["dropped"]:
            print(f"Journal : {dropped} — écriture jamais confirmée, ignorée.", flush=True)
        self.journal.install()
        self.journal.open_next()
        self.journal.enabled = True
        from chalicelib.adapters.outbox_repository import OutboxRepository

        OutboxRepository().release_leases()  # held by the process that died: its emails go out now
        demo_accounts = ensure_demo_accounts(settings)
        localaws.tune_gc()
        self._saver = Checkpointer(self.store, self.journal, args.save_interval)
        self._saver.start()
        self._sweeper = threading.Thread(target=self._sweep_outbox, name="outbox-sweeper", daemon=True)
        self._sweeper.start()

        if settings.stripe_simulated:
            # No real Stripe key: the platform's Stripe adapter talks to this in-memory simulation, served
            # on this origin (``settings.stripe_api_base``), which posts signed webhooks back to the API.
            from infra.local.fake_stripe import FakeStripe

            self.fake_stripe = FakeStripe(
                public_url=settings.public_url,
                webhook_url=f"{settings.public_url}/v1/webhooks/stripe",
                secret_key=settings.stripe_secret_key,
                webhook_secret=settings.stripe_webhook_secret,
            )
            from infra.local.fake_stripe import persistence as stripe_state

            stripe_state.restore(self.fake_stripe, args.data_dir / "stripe.json")
            stripe_state.attach(self.fake_stripe, args.data_dir / "stripe.json")
            stripe_line = (
                f"  Stripe       {settings.public_url}/_local/stripe (simulation, aucun débit réel)\n"
            )
        else:
            stripe_line = (
                f"  Stripe       {settings.stripe_api_base} (clés Stripe fournies, pas de simulation)\n"
            )
        maileva_base = os.environ.get("MAILEVA_API_BASE", "")
        if not maileva_base or "/_local/maileva" in maileva_base:
            # No real Maileva: the platform's Maileva adapter talks to this local twin, served on this
            # origin (``<public_url>/_local/maileva``), which posts its webhooks back to the subscribers.
            from chalicelib.clock import business_now
            from infra.local.fake_maileva import FakeMaileva
            from infra.local.fake_maileva import persistence as maileva_state

            # Its letters are stamped on the platform's business clock (CLAIMS_TODAY); one-time codes
            # stay on the real one.
            self.fake_maileva = FakeMaileva(public_url=settings.public_url, clock=business_now)
            maileva_state.restore(self.fake_maileva, args.data_dir / "maileva.json")
            maileva_state.attach(self.fake_maileva, args.data_dir / "maileva.json")
            maileva_line = (
                f"  Maileva      {settings.public_url}/_local/maileva (simulation, aucun courrier posté)\n"
            )
        else:
            maileva_line = f"  Maileva      {maileva_base}\n"
        # Before the server answers (the banner follows /health closely): reads only the embedded AWS.
        proposals = self._check_rate_feeds()
        self._http = create_server(
            chalice_app,
            config,
            args.host,
            args.port,
            fake_stripe=self.fake_stripe,
            fake_maileva=self.fake_maileva,
        )
        threading.Thread(target=self._http.server.serve_forever, name="http", daemon=True).start()
        redriven = self._resume_escalations()
        self._recheck_debtors()
        self._subscribe_postal_webhooks(settings.public_url)
        from chalicelib.services.rates import coverage, current_tables

        rates_through = coverage(current_tables())["interest_through"]
        print(
            f"\nPlateforme de recouvrement démarrée : http://{args.host}:{args.port}/\n"
            f"  santé        http://{args.host}:{args.port}/health\n"
            f"  AWS local    http://127.0.0.1:{args.moto_port} (moto)\n"
            f"  données      {args.data_dir} (éléments restaurés : {restored['items']}, "
            f"fichiers restaurés : {restored['objects']}, utilisateurs restaurés : {restored['users']})\n"
            f"  boîte mail   http://{args.host}:{args.port}/_local/mailbox\n"
            f"{stripe_line}"
            f"{maileva_line}"
            f"  échelle du temps ×{args.time_scale:g}\n"
            f"  date         {settings.today().isoformat()}"
            f"{' (simulée : CLAIMS_TODAY)' if settings.today_override else ''}\n"
            f"  taux         tables jusqu'au {rates_through} (au-delà : intérêts « à parfaire » ; "
            "page Opérateur pour ajouter un semestre)\n"
            f"  flux de taux {proposals}\n"
            f"  procédures reprises après redémarrage : {len(redriven)}\n"
            "Comptes de démonstration (local uniquement) :\n"
            + "".join(f"  {demo.role.value:<9} {demo.email:<26} {demo.password}\n" for demo in demo_accounts)
            + "Ctrl-C pour arrêter.",
            flush=True,
        )

    def wait(self) -> None:
        # In short waits, not one long one: the main thread then returns to the interpreter at least every
        # half second, where Python runs the SIGINT/SIGTERM handlers (a stop requested while it sat in one
        # long lock wait was once never acted upon).
        while not self._stopped.wait(0.5):
            requested = self._stop_requested_at
            if requested is not None and time.monotonic() - requested > STOP_WITHIN_SECONDS:
                print(
                    f"L'arrêt n'a pas abouti en {STOP_WITHIN_SECONDS} s : arrêt forcé "
                    "(les dernières modifications peuvent ne pas être sauvegardées).",
                    file=sys.stderr,
                    flush=True,
                )
                os._exit(EXIT_STOP_FAILED)

    @staticmethod
    def _resume_escalations() -> list[str]:
        """State-machine executions live in moto's memory and die with the process; the claims do not.
        Every claim saved mid-workflow gets an execution again, at its recorded step (the operator's
        redrive on AWS is the same code)."""

        from chalicelib.adapters.claims_repository import ClaimRepository
        from chalicelib.adapters.step_functions import StepFunctionsEngine
        from chalicelib.clock import business_now
        from chalicelib.services.escalation import redrive_all
        from chalicelib.services.lawyers import reschedule_reminders
        from chalicelib.settings import get_settings

        try:
            settings = get_settings()
            engine = StepFunctionsEngine(settings.state_machine_arn)
            claims = ClaimRepository()
            resumed = redrive_all(claims, engine, now=business_now())
            reschedule_reminders(claims, engine, today=settings.today())
            return resumed
        except Exception as error:  # never block the start: the operator can redrive one claim later
            logging.getLogger("claims.local").warning("resuming escalations failed: %s", error)
            return []

    @staticmethod
    def _recheck_debtors() -> None:
        """What the daily ``recheck_debtors`` schedule does on AWS, once at start-up (BODACC=local: the
        recorded announcements)."""
        from chalicelib.workflow.handlers import recheck_debtors

        try:
            recheck_debtors()
        except Exception as error:  # never block the start
            logging.getLogger("claims.local").warning("debtor recheck failed: %s", error)

    @staticmethod
    def _check_rate_feeds() -> str:
        """What the daily ``check_rate_feeds`` schedule does on AWS, once at start-up: read the providers
        (RATE_FEED=local: the recorded answers) and propose the semesters the tables lack to the operator."""
        from chalicelib.adapters.rate_feeds import rate_feeds
        from chalicelib.adapters.rates_repository import RateProposalRepository
        from chalicelib.clock import business_now, business_today
        from chalicelib.services.rate_feed import check_rate_feeds

        try:
            report = check_rate_feeds(
                today=business_today(),
                now=business_now(),
                feeds=rate_feeds(),
                proposals=RateProposalRepository(),
                wake_sender=False,  # the outbox sweeper sends the email
            )
        except Exception as error:  # never block the start
            logging.getLogger("claims.local").warning("rate feed check failed: %s", error)
            return f"lecture impossible ({error})"
        summary = f"{report.mode} : "
        if report.proposed:
            summary += f"{len(report.proposed)} proposition(s) à confirmer (page Opérateur)"
        elif report.already_proposed:
            summary += "propositions déjà faites"
        else:
            summary += "aucune proposition"
        return summary + "".join(f" ; {note}" for note in report.notes + report.errors)

    @staticmethod
    def _subscribe_postal_webhooks(public_url: str) -> None:
        """What the operator does once on AWS (``infra.admin maileva-subscribe``): Maileva's webhooks to the
        API. Only with POSTAL_PROVIDER=maileva; never blocks the start."""
        from chalicelib.adapters.postal import postal_sender

        try:
            sender = postal_sender()
            if hasattr(sender, "subscribe"):
                sender.subscribe(f"{public_url}/v1/webhooks/maileva")
        except Exception as error:
            logging.getLogger("claims.local").warning("maileva subscription failed: %s", error)

    def _poll_registered_mail(self) -> None:
        """What the hourly ``poll_registered_mail`` schedule does on AWS (the LRE has no webhook)."""
        from chalicelib.workflow.handlers import poll_registered_mail

        try:
            poll_registered_mail()
        except Exception as error:
            logging.getLogger("claims.local").warning("registered mail poll failed: %s", error)

    def _sweep_outbox(self) -> None:
        """What the ``sweep_outbox`` schedule does on AWS: send the claim emails still pending (those whose
        background start failed, retries after a failure, emails restored from the saved data)."""
        from chalicelib.services.outbox import deliver_pending

        log = logging.getLogger("claims.local")
        ticks = 0
        while not self._stop_sweeping.wait(OUTBOX_SWEEP_SECONDS):
            ticks += 1
            try:
                deliver_pending()
            except Exception as error:  # e.g. moto stopping: try again at the next tick
                log.warning("outbox sweep failed: %s", error)
            if ticks % POSTAL_POLL_TICKS == 0 and self._http is not None:
                self._poll_registered_mail()

    def _final_checkpoint(self) -> None:
        """A snapshot of everything, then the journal it covers deleted (if it fails, the journal stays:
        nothing is lost, the next start replays it)."""
        if self.store is None:
            return
        if self.journal is None:
            self.store.save()
            return
        from infra.local.snapshot import checkpoint

        checkpoint(self.store, self.journal)
        self.journal.close()

    def stop(self) -> bool:
        """Stop every part, each one even if another failed, and save the data; True when all went well.
        Idempotent: a second call (a second stop thread) waits for the first one."""
        with self._stop_lock:
            if self._stopped.is_set():
                return not self.stop_failures
            print("\nArrêt : sauvegarde des données locales…", flush=True)
            steps: list[tuple[str, Callable[[], object]]] = [
                ("l'envoi des e-mails", self._stop_sweeper),
                ("le serveur web", lambda: self._http is not None and self._http.server.shutdown()),
                ("la simulation Stripe", lambda: self.fake_stripe is not None and self.fake_stripe.close()),
                ("la simulation Maileva", lambda: self.fake_maileva and self.fake_maileva.close()),
                ("la sauvegarde périodique", lambda: self._saver is not None and self._saver.stop()),
                ("la sauvegarde des données", self._final_checkpoint),
                ("les exécutions en cours", self._stop_executions),
                ("l'AWS local", lambda: self._moto is not None and self._moto.stop()),
            ]
            for label, step in steps:
                try:
                    step()
                except Exception as error:
                    self.stop_failures.append(f"{label} : {type(error).__name__}: {error}")
            self._stopped.set()
        if self.stop_failures:
            print(
                "Plateforme arrêtée, avec des erreurs :\n"
                + "\n".join(f"  - échec de {failure}" for failure in self.stop_failures)
                + f"\nLes données de {self.args.data_dir} peuvent ne pas avoir les dernières modifications.",
                file=sys.stderr,
                flush=True,
            )
            return False
        print("Plateforme arrêtée.", flush=True)
        return True

    def _stop_sweeper(self) -> None:
        self._stop_sweeping.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)

    def request_stop(self) -> None:
        """What a first SIGINT/SIGTERM/SIGHUP does: stop in the background (a signal handler must return),
        while :meth:`wait` makes sure it takes at most :data:`STOP_WITHIN_SECONDS`."""
        if self._stop_requested_at is None:
            self._stop_requested_at = time.monotonic()
            threading.Thread(target=self.stop, name="stop", daemon=True).start()

    @staticmethod
    def _stop_executions() -> None:
        # Executions run in moto's threads; stop them so nothing runs during interpreter shutdown.
        from chalicelib.adapters.aws import client

        sfn = client("stepfunctions")
        try:
            for machine in sfn.list_state_machines()["stateMachines"]:
                pages = sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING"
                )
                for page in pages:
                    for execution in page["executions"]:
                        sfn.stop_execution(
                            executionArn=execution["executionArn"], cause="local platform stopped"
                        )
        except Exception as error:  # stopping must not fail because of a stray execution
            logging.getLogger("claims.local").warning("could not stop executions: %s", error)


def die_with_parent() -> None:
    """Linux: the kernel sends this process SIGTERM when the process that started it dies (an interrupted
    test run, a closed terminal), so no platform outlives its parent with its ports and its CPU. Elsewhere:
    nothing (stop it with Ctrl-C)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request above: it will never be signalled
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> int:
    """0 once stopped cleanly; 1 when a part failed to stop or the data could not be saved (said in French);
    130 on a second signal (stopped at once, nothing saved)."""
    args = parse_args(argv)
    platform = LocalPlatform(args)
    received: list[int] = []

    def on_signal(signum: int, frame: Any) -> None:
        received.append(signum)
        if len(received) > 1:
            print("Second signal : arrêt immédiat, sans sauvegarde.", file=sys.stderr, flush=True)
            os._exit(EXIT_INTERRUPTED)
        platform.request_stop()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    die_with_parent()
    started = time.monotonic()
    platform.start()
    logging.getLogger("claims.local").info("started in %.1f s", time.monotonic() - started)
    platform.wait()
    return EXIT_STOP_FAILED if platform.stop_failures else 0


if __name__ == "__main__":
    sys.exit(main())
