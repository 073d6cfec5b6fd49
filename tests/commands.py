"""Running a management command in a test: its exit status and what it printed."""

import io

from django.core.management import call_command


def run_command(name: str, *args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue()
