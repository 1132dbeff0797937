"""An AT-SPI client for the end-to-end accessibility test, run by the SYSTEM Python
(``/usr/bin/python3`` with Debian's python3-pyatspi; the project's virtual environment cannot
import ``gi``). It imports nothing from the project.

    /usr/bin/python3 tests/ui/atspi_client.py APP_NAME OUT_JSON [COUNT_SECONDS]
    /usr/bin/python3 tests/ui/atspi_client.py --orca APP_NAME OUT_JSON ORCA_DEBUG_LOG

It finds the application APP_NAME on the accessibility bus, then as a screen-reader user would:

1. walks its tree: role, name, description, states, interfaces, value of every object;
2. presses Play (its AT-SPI action) and counts every event the application sends for
   COUNT_SECONDS of playback (nothing else happens meanwhile: only time changes);
3. gives the keyboard focus to the Mute button (AT-SPI ``grabFocus``) and presses Space
   (a synthesized key event through the registry): Mute should become checked.

Everything it saw is written to OUT_JSON. With ``--orca`` (Orca runs on the same bus, its
debug log in ORCA_DEBUG_LOG) it waits until Orca speaks the window, presses Play, moves the
focus to two buttons during playback and presses M (a status message: "Muted"), and writes the
time of each action, for the test to compare with what Orca's log says it spoke.
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi
from gi.repository import GLib

MAX_NODES = 3000
MAX_CHILDREN = 60  # a transcript list has one child per cue: the first ones are enough


def find_app(name, timeout_s=60.0):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == name:
                return app
        time.sleep(0.2)
    raise SystemExit(f"no application {name!r} on the accessibility bus")


def describe(obj):
    states = obj.getState().getStates()
    node = {
        "role": obj.getRoleName(),
        "name": obj.name or "",
        "description": obj.description or "",
        "states": sorted(pyatspi.stateToString(s) for s in states),
        "interfaces": sorted(obj.get_interfaces()),
        "attributes": obj.getAttributes() or [],
    }
    if "Value" in node["interfaces"]:
        value = obj.queryValue()
        node["value"] = [value.currentValue, value.minimumValue, value.maximumValue]
    if "Text" in node["interfaces"]:
        text = obj.queryText()
        node["text"] = text.getText(0, min(text.characterCount, 500))
    relations = []
    for relation in obj.getRelationSet():
        targets = [relation.getTarget(i) for i in range(relation.getNTargets())]
        kind = pyatspi.relationToString(relation.getRelationType())
        relations.append([kind, [t.name for t in targets if t is not None]])
    node["relations"] = relations
    return node


def walk(root):
    nodes, stack = [], [root]
    while stack and len(nodes) < MAX_NODES:
        obj = stack.pop()
        if obj is None:
            continue
        try:
            nodes.append(describe(obj))
            count = min(obj.childCount, MAX_CHILDREN)
            stack.extend(obj.getChildAtIndex(i) for i in reversed(range(count)))
        except Exception as err:  # an object gone while walking: skip it
            nodes.append({"role": "error", "name": str(err)})
    return nodes


def find(root, role, name):
    hit = pyatspi.findDescendant(root, lambda o: o.getRoleName() == role and o.name == name)
    if hit is None:
        raise SystemExit(f"no {role} named {name!r}")
    return hit


def wait_until(predicate, timeout_s):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def count_events(seconds):
    events = []

    def on_event(event):
        try:
            role, name = event.source.getRoleName(), event.source.name
        except Exception:
            role, name = "?", "?"
        data = str(event.any_data)[:80]
        events.append([round(time.monotonic(), 3), event.type, role, name, data])

    for kind in ("object:", "window:", "focus:"):
        pyatspi.Registry.registerEventListener(on_event, kind)

    def stop():
        pyatspi.Registry.stop()
        return False

    GLib.timeout_add(int(seconds * 1000), stop)
    pyatspi.Registry.start()
    pyatspi.Registry.deregisterEventListener(on_event, "object:", "window:", "focus:")
    return events


def has_state(obj, state):
    return obj.getState().contains(state)


def window_of(app_name):
    app = find_app(app_name)
    wait_until(lambda: app.childCount > 0, 30)
    frame = app.getChildAtIndex(0)
    # The window's tree is complete once the transcript's list has rows.
    wait_until(lambda: pyatspi.findDescendant(frame, lambda o: o.getRoleName() == "list item"), 30)
    return frame


def with_orca(app_name, out, orca_log):
    """Orca is listening: play, move the focus twice, press M (mute: a status message)."""
    frame = window_of(app_name)

    def orca_said(text):
        with open(orca_log, encoding="utf-8", errors="replace") as f:
            return any("SPEECH OUTPUT" in line and text in line for line in f)

    result = {"orca_ready": wait_until(lambda: orca_said(app_name), 60), "actions": []}
    find(frame, "push button", "Play").queryAction().doAction(0)
    result["playing"] = wait_until(lambda: find_or_none(frame, "push button", "Pause"), 20)
    time.sleep(2.0)  # a few lines into the briefing
    for name in ("Skip back", "Next line"):
        button = find(frame, "push button", name)
        result["actions"].append(["focus", name, time.time()])
        button.queryComponent().grabFocus()
        time.sleep(1.5)
    result["actions"].append(["key", "m", time.time()])
    pyatspi.Registry.generateKeyboardEvent(58, None, pyatspi.KEY_PRESSRELEASE)  # M: mute
    wait_until(lambda: orca_said("Muted"), 10)
    result["still_playing"] = find_or_none(frame, "push button", "Pause") is not None
    # In the transcript, the line playing now is the current item: each new one is read.
    transcript = pyatspi.findDescendant(
        frame, lambda o: o.name == "Transcript" and o.getRoleName() in ("list", "table", "tree")
    )
    result["actions"].append(["focus", "Transcript", time.time()])
    transcript.queryComponent().grabFocus()
    time.sleep(9.0)  # two new lines at least (the sample's lines last 3-6 s)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


def main():
    if sys.argv[1] == "--orca":
        with_orca(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    app_name, out = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0
    result = {}
    frame = window_of(app_name)
    # The live labels' interface comes a moment after the first frame (player.ui.accessible,
    # later still on a loaded machine); walk the tree once it is there.
    wait_until(
        lambda: pyatspi.findDescendant(
            frame, lambda o: o.getRoleName() == "label" and o.name.startswith("Elapsed ")
        ),
        20,
    )
    result["tree"] = walk(frame)
    play = find(frame, "push button", "Play")
    play.queryAction().doAction(0)
    wait_until(lambda: find_or_none(frame, "push button", "Pause") is not None, 20)
    result["playing"] = find_or_none(frame, "push button", "Pause") is not None
    result["events"] = count_events(seconds)
    result["seconds"] = seconds
    # The transcript's rows while playing (focus is on Pause): the playing one is named
    # "Now playing. ..." and claims no focus.
    transcript = pyatspi.findDescendant(
        frame, lambda o: o.name == "Transcript" and o.getRoleName() in ("list", "table", "tree")
    )
    rows = list(transcript)[:MAX_CHILDREN] if transcript else []
    result["transcript_rows"] = [describe(r) for r in rows]
    mute = pyatspi.findDescendant(
        frame, lambda o: o.name == "Mute" and "Action" in o.get_interfaces()
    )
    result["mute_role"] = mute.getRoleName()
    mute.queryComponent().grabFocus()
    result["mute_focused"] = wait_until(lambda: has_state(mute, pyatspi.STATE_FOCUSED), 10)
    space = 65  # X keycode of the space bar
    pyatspi.Registry.generateKeyboardEvent(space, None, pyatspi.KEY_PRESSRELEASE)
    result["mute_checked_by_space"] = wait_until(lambda: has_state(mute, pyatspi.STATE_CHECKED), 10)
    result["still_playing"] = find_or_none(frame, "push button", "Pause") is not None
    result["tree_after"] = [n for n in walk(frame) if n.get("role") in ("notification", "label")]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


def find_or_none(root, role, name):
    return pyatspi.findDescendant(root, lambda o: o.getRoleName() == role and o.name == name)


if __name__ == "__main__":
    main()
