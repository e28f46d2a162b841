from pathlib import Path

from infra.local.webserver import static_file


def make_site(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>ok</h1>")
    (tmp_path / "site" / "app.js").write_text("1")
    (tmp_path / "secret.txt").write_text("no")
    return tmp_path / "site"


def test_root_serves_index(tmp_path):
    site = make_site(tmp_path)
    assert static_file("/", site) == site / "index.html"
    assert static_file("/app.js?v=2", site) == (site / "app.js").resolve()


def test_paths_outside_the_folder_are_refused(tmp_path):
    site = make_site(tmp_path)
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "//etc/passwd", "/a\x00b"):
        assert static_file(path, site) is None, path


def test_unknown_paths_fall_through_to_the_api(tmp_path):
    site = make_site(tmp_path)
    assert static_file("/health", site) is None
    assert static_file("/v1/claims", site) is None
