#!/usr/bin/env python3
"""Every bundled board's docs link is a page the RatOS documentation has.

Usage: docs_links.py RATOS_SETUP BOARDS_DIR PAGES_FILE

The links are read through the real binary (`boards --json`, then `board ID
--json`), so the test sees what the loader parsed. PAGES_FILE lists the pages
of https://os.ratrig.com that exist (paths, one a line) and, as full URLs, the
few links elsewhere that were checked by hand. No network: a board file with a
dead link fails here until the link is fixed, dropped, or the list is
regenerated from the documentation's source (see the list's header).
"""
import json
import subprocess
import sys

SITE = "https://os.ratrig.com"


def run_json(binary, boards_dir, *args):
    out = subprocess.run([binary, "--boards-dir", boards_dir, *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    binary, boards_dir, pages_file = sys.argv[1:4]
    known = set()
    with open(pages_file, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                known.add(line)
    ids = [b["id"] for b in run_json(binary, boards_dir, "boards", "--json")["boards"]]
    if not ids:
        print("no boards found in", boards_dir)
        return 1
    bad = []
    linked = 0
    for board_id in ids:
        url = run_json(binary, boards_dir, "board", board_id, "--json").get("docs")
        if url is None:
            continue
        linked += 1
        if url.startswith(SITE + "/"):
            ok = url[len(SITE):] in known
        else:
            ok = url in known
        if not ok:
            bad.append(f"{board_id}: {url}")
    for line in bad:
        print("dead docs link:", line)
    print(f"{len(ids)} boards, {linked} with a docs link, {len(bad)} dead")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
