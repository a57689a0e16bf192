"""The dossier's documents, generated from .docx templates in the format of Decree 30/2020.

`generate` makes one document and attaches it to its dossier; `build_cycle` writes every
document of a cycle into a folder. Templates live in templates/ (rebuilt by
build_templates.py) and can be overridden from <instance_path>/templates/documents/.
"""
from .pdf import PdfFailed, PdfUnavailable
from .service import KINDS, BuildResult, build_cycle, build_cycle_archive, generate

__all__ = ["KINDS", "BuildResult", "PdfFailed", "PdfUnavailable", "build_cycle", "build_cycle_archive", "generate"]
