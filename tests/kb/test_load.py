"""Loading validates every row of every KB file against kb/schema.py, naming file and line."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stockgroups.analysis.version import ANALYSIS_DIR, analysis_version, code_version, source_hash
from stockgroups.errors import KBError
from stockgroups.interfaces.cli.main import main
from stockgroups.kb.load import load_kb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SMALL = FIXTURES / "kb_small"
EVENT_HEADER = "id,name,category,severity,shock,cues,source,as_of\n"
BAD_EVENT = "event:hailstorm,Hailstorm,weather,0.4,supply-disruption,hailstorm,me,2026\n"


def _user_kb(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_kb_validate_refuses_an_event_row_that_analyze_used_to_die_on(tmp_path: Path) -> None:
    """The fault: `kb validate` said ok, then `analyze` died with a traceback naming events.csv."""
    user = _user_kb(tmp_path / "kb", "events_mine.csv", EVENT_HEADER + BAD_EVENT)
    story = tmp_path / "story.txt"
    story.write_text("Hail\n\nA hailstorm hit the farms.\n", encoding="utf-8")
    runner = CliRunner()
    env = {"STOCKGROUPS_KB_DIRS": str(user), "STOCKGROUPS_HOME": str(tmp_path)}
    for args in (["kb", "validate"], ["analyze", str(story)]):
        out = runner.invoke(main, args, env=env)
        assert out.exit_code == 1, out.output
        assert "events_mine.csv:2: category 'weather' is not one of" in out.output
        assert "Traceback" not in out.output and out.output.count("\n") == 1


@pytest.mark.parametrize("name, text, message", [
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,1.5,neutral,x marks,me,2026\n", "events_x.csv:2: severity 1.5 is outside 0..1"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,high,neutral,x marks,me,2026\n", "events_x.csv:2: severity 'high' is not a number"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,0.5,boom,x marks,me,2026\n", "events_x.csv:2: shock 'boom' is not one of"),
    ("events_x.csv", EVENT_HEADER + "event:X_1,X,macro,0.5,neutral,x marks,me,2026\n", "events_x.csv:2: id 'event:X_1' is not of the form event:"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,0.5,neutral,Capital Cue,me,2026\n", "events_x.csv:2: cues: cue 'Capital Cue' is not lower case"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,0.5,neutral,a ~ b ~ c,me,2026\n", "events_x.csv:2: cues: cue 'a ~ b ~ c' needs one"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,0.5,neutral,,me,2026\n", "events_x.csv:2: no cues"),
    ("events_x.csv", "id,name,category,severity,shock,scope,cues,source,as_of\n"
     "event:x,X,macro,0.5,neutral,planet,x marks,me,2026\n", "events_x.csv:2: scope 'planet' is not one of"),
    ("events_x.csv", "id,name,category,severity,shock,cues,negative_cues,source,as_of\n"
     "event:x,X,macro,0.5,neutral,x marks,price ~ war,me,2026\n", "negative_cues: cue 'price ~ war' cannot have two parts"),
    ("events_x.csv", EVENT_HEADER + "event:x,X,macro,0.5,neutral,x marks,me,2026\n"
     "event:x,X,macro,0.5,neutral,x marks,me,2026\n", "events_x.csv:3: duplicate id event:x"),
    ("event_effects_x.csv", "event,target,direction,weight,why,source,as_of\n"
     "event:nope,industry:uranium,up,0.5,why,me,2026\n", "event_effects_x.csv:2: unknown event 'event:nope'"),
    ("event_effects_x.csv", "event,target,direction,weight,why,source,as_of\n"
     "event:civil-unrest,subject-planet,up,0.5,why,me,2026\n", "target 'subject-planet' is neither a role"),
    ("event_effects_x.csv", "event,target,direction,weight,why,source,as_of\n"
     "event:civil-unrest,subject-country,sideways,0.5,why,me,2026\n", "event_effects_x.csv:2: direction 'sideways' is not one of"),
    ("event_effects_x.csv", "event,target,direction,weight,why,source,as_of\n"
     "event:civil-unrest,subject-country,shock,0.5,why,me,2026\n", "direction shock needs a commodity target"),
    ("exposures_x.csv", "subject,relation,object,weight,why,source,as_of\n"
     "country:KZ,loves,commodity:uranium,0.5,why,me,2026\n", "exposures_x.csv:2: relation 'loves' is not one of"),
    ("exposures_x.csv", "subject,relation,object,weight,why,source,as_of\n"
     "country:KZ,produces,commodity:uranium,2,why,me,2026\n", "exposures_x.csv:2: weight 2.0 is outside 0..1"),
    ("places_x.csv", "id,name,aliases,country,kind,source,as_of\n"
     "place:atlantis,Atlantis,,KZ,myth,me,2026\n", "places_x.csv:2: kind 'myth' is not one of"),
    ("orgs_x.csv", "id,name,aliases,kind,country,leader,members,source,as_of\n"
     "org:x,X,,cartel,KZ,,KZ|Kazakhstan,me,2026\n", "orgs_x.csv:2: members 'Kazakhstan' is not an ISO 3166"),
    ("producers_x.csv", "commodity,country,share,year,metric,source,as_of\n"
     "commodity:uranium,KZ,0.1,last year,production,me,2026\n", "producers_x.csv:2: year 'last year' is not a year"),
    ("contexts_x.csv", "entity,polarity,cue,source,as_of\ncountry:KZ,?,steppe,me,2026\n",
     "contexts_x.csv:2: polarity '?' is not one of"),
    ("companies_x.csv", "id,ticker,name,aliases,industry,country,source,as_of\n"
     "company:ZZZ,ZZZ,Zed,,industry:uranium,KZ,me,last week\n", "companies_x.csv:2: as_of 'last week' is not YYYY"),
    ("commodities_x.csv", "id,name,aliases,producer_industry,supply_shock_direction,source,as_of\n"
     "commodity:tin,Tin,,industry:uranium,sideways,me,2026\n", "commodities_x.csv:2: supply_shock_direction 'sideways'"),
    ("sectors_x.csv", "id,name,aliases,source\nsector:x,X,,me\n", "sectors_x.csv: missing columns: as_of"),
    ("event_mine.csv", EVENT_HEADER + "event:x,X,macro,0.5,neutral,x marks,me,2026\n",
     "event_mine.csv: not a KB file: its name must start with one of"),
    ("sectors_x.csv", "id,name,aliases,source,as_of\nsector:x,X,,me,2026,extra\n", "sectors_x.csv:2: more cells than"),
])
def test_a_bad_row_is_refused_with_its_file_and_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(KBError) as err:
        load_kb(extra_dirs=[_user_kb(tmp_path, name, text)], data_dir=SMALL)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_user_event_row_loads_and_a_later_folder_replaces_a_shipped_event(tmp_path: Path) -> None:
    shipped = load_kb(data_dir=SMALL)
    first = shipped.event_rows[0]
    row = f"{first['id']},Renamed,{first['category']},0.9,{first['shock']},brand new cue,me,2026\n"
    kb = load_kb(extra_dirs=[_user_kb(tmp_path, "events_mine.csv", EVENT_HEADER + row)], data_dir=SMALL)
    assert len(kb.event_rows) == len(shipped.event_rows)
    assert {r["id"]: r for r in kb.event_rows}[first["id"]]["name"] == "Renamed"


def test_the_same_user_files_in_two_folders_give_the_same_versions(tmp_path: Path) -> None:
    text = EVENT_HEADER + "event:hail,Hail,disaster,0.4,supply-disruption,hailstorm,me,2026\n"
    one = load_kb(extra_dirs=[_user_kb(tmp_path / "a" / "kb", "events_mine.csv", text)], data_dir=SMALL)
    two = load_kb(extra_dirs=[_user_kb(tmp_path / "elsewhere", "events_mine.csv", text)], data_dir=SMALL)
    assert one.version == two.version and analysis_version(one) == analysis_version(two)
    copy = tmp_path / "shipped_copy"
    shutil.copytree(SMALL, copy)
    assert load_kb(data_dir=copy).version == load_kb(data_dir=SMALL).version
    changed = load_kb(extra_dirs=[_user_kb(tmp_path / "b", "events_mine.csv", text.replace("0.4", "0.5"))],
                      data_dir=SMALL)
    assert changed.version != one.version and analysis_version(changed) != analysis_version(one)


def test_a_changed_constant_in_the_analysis_code_changes_the_code_version(tmp_path: Path) -> None:
    source = ANALYSIS_DIR
    copy = tmp_path / "analysis"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert source_hash(copy) == source_hash(source) == code_version()
    events = copy / "events.py"
    text, changed = re.subn(r"^([A-Z_]+ = )(\d+\.\d+)$", r"\g<1>0\2", events.read_text(encoding="utf-8"),
                            count=1, flags=re.M)
    assert changed == 1
    events.write_text(text, encoding="utf-8")
    assert source_hash(copy) != source_hash(source)


def test_loading_the_kb_imports_no_analysis_module() -> None:
    """kb/ is data and validation; the automata are built by analysis/ (no kb <-> analysis cycle)."""
    code = ("import sys, stockgroups.kb.load, stockgroups.kb.user, stockgroups.kb.schema; "
            "stockgroups.kb.load.load_kb(); print(sorted(m for m in sys.modules if m.startswith('stockgroups.analysis')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"
