"""Publish ``frontend/`` to the stack's web bucket and refresh CloudFront (``make deploy`` runs it).

    python -m infra.aws.publish_frontend infra/aws/cdk.out/outputs.json

Done here rather than by a CDK ``BucketDeployment``, which adds a Lambda function, a 40 MB AWS CLI layer
and wildcard S3 permissions to the stack for what is a plain upload.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
# index.html must be fetched again at once after a deploy; the rest may be cached for an hour.
NO_CACHE = {"index.html"}
# Keys asked for by browsers and crawlers by themselves, uploaded from another file of frontend/ (the local
# web server serves the same: infra/local/webserver.py ALIASES); without them CloudFront answers S3's 403.
ALIASES = {"favicon.ico": "favicon.svg"}


def _outputs(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    [outputs] = data.values()  # one stack
    return dict(outputs)


def publish(outputs: dict[str, str], frontend: Path = FRONTEND) -> int:
    import boto3

    s3 = boto3.client("s3")
    bucket = outputs["FrontendBucketName"]
    count = 0
    files = [(p.relative_to(frontend).as_posix(), p) for p in sorted(frontend.rglob("*")) if p.is_file()]
    files += [(alias, frontend / name) for alias, name in ALIASES.items() if (frontend / name).is_file()]
    for key, path in files:
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in {"application/javascript", "application/json"}:
            content_type += "; charset=utf-8"
        s3.upload_file(
            str(path),
            bucket,
            key,
            ExtraArgs={
                "ContentType": content_type,
                "CacheControl": "no-cache" if key in NO_CACHE else "public, max-age=3600",
            },
        )
        count += 1
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["DistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())},
    )
    return count


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    outputs = _outputs(Path(args[0]))
    count = publish(outputs)
    site = outputs["DistributionUrl"]
    print(f"{count} files published to {outputs['FrontendBucketName']}; the site: {site}")
    if outputs.get("PublicUrl", "").endswith(".invalid"):
        print(
            f'\nSet "public_url": "{site}" for this stage in infra/aws/config.json and run make deploy '
            "again: until then the links in emails point to a placeholder.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
