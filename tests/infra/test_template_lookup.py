"""The runtime finds the templates in the Lambda package (staged into chalicelib/) or in the checkout."""

from pathlib import Path

from chalicelib.documents import render


def test_checkout_reads_the_repository_templates():
    root = Path(render.__file__).resolve().parents[2]
    assert root / "templates" == render.TEMPLATES_DIR
    assert (render.TEMPLATES_DIR / "documents" / "mise_en_demeure.html").is_file()


def test_packaged_templates_inside_chalicelib_win(tmp_path):
    package = tmp_path / "chalicelib"
    (package / "templates").mkdir(parents=True)
    (tmp_path / "templates").mkdir()
    assert render.templates_dir(package) == package / "templates"


def test_without_packaged_templates_the_sibling_folder_is_used(tmp_path):
    package = tmp_path / "chalicelib"
    package.mkdir()
    assert render.templates_dir(package) == tmp_path / "templates"


def test_fonts_come_from_the_first_folder_that_exists(tmp_path):
    missing, layer = tmp_path / "usr-share", tmp_path / "opt-share"
    layer.mkdir()
    assert render.font_dir((missing, layer)) == layer
    assert render.font_dir((missing, tmp_path / "nowhere")) == missing
