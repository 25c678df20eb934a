"""The knowledge base every interface uses: the shipped data plus the user's own folders."""
from __future__ import annotations

import gc
import os

from stockgroups import config as settings
from stockgroups.kb.load import KB, load_kb


def load_user_kb() -> KB:
    """Load the shipped KB with the user's extra folders (setting `kb_dirs`); errors are StockGroupsError."""
    extra = [d for d in str(settings.get("kb_dirs")).split(os.pathsep) if d]
    kb = load_kb(extra_dirs=extra)
    # The KB lives as long as the process: keep the garbage collector from walking its
    # hundred thousand objects again at every collection (about a tenth of analysis time).
    gc.freeze()
    return kb
