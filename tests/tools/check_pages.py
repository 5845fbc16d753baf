#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The report's layout against csv/messages.csv (every message, those of unknown time included),
with Python's html.parser (independent of the writer).

  check_pages.py BUNDLE [--inline] [--page-messages N]

--inline: report.html holds every message of messages.csv as a chat bubble, once, and there is
no conversations/ folder.  Otherwise report.html is an index: no chat bubble in it; every message
is a bubble on exactly one page of conversations/ (the long lists' pages, lists/, hold none), a
conversation longer than N split by month (one month to a page), all of a page's messages in the one
conversation whose entry in the index the page is named after (its talker), at most N (default
2000) to a page; every page is linked from the index, links back to its conversation's entry
there (an element with that id) or its list's section, and to its previous and next part; every
relative link of every document lands on an existing file and, with a fragment, on an element
with that id; every page is in manifest.sha256 with its SHA-256.
Prints what failed, then one summary line; exit status 1 on any failure.
"""
import collections
import csv
import hashlib
import html.parser
import os
import re
import sys


class Doc(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.bubbles = []
        self.hrefs = []
        self.talker = {}          # conversation entry id -> its talker (first <code> in it)
        self._head = None
        self._code = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "div" and "conv-head" in (a.get("class") or "").split() and "id" in a:
            self._head = a["id"]
        if tag == "code" and self._head is not None and self._head not in self.talker:
            self._code = ""
        if tag == "div" and "msg" in (a.get("class") or "").split() and a.get("id", "").startswith("m-"):
            self.bubbles.append(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])

    def handle_data(self, data):
        if self._code is not None:
            self._code += data

    def handle_endtag(self, tag):
        if tag == "code" and self._code is not None:
            self.talker[self._head] = self._code
            self._code = None
            self._head = None


def parse(path):
    d = Doc()
    with open(path, encoding="utf-8") as f:
        d.feed(f.read())
    d.close()
    return d


def check_parts(docs, folder, parts, bad):
    """Each name's parts are 1..n, each linking to its previous and next part."""
    for name, ks in parts.items():
        ks.sort()
        if ks != list(range(1, len(ks) + 1)):
            bad.append("%s%s: parts %s are not 1..n" % (folder, name, ks))
        for k in ks:
            d = docs["%s%s-%d.html" % (folder, name, k)]
            if k > 1 and "%s-%d.html" % (name, k - 1) not in d.hrefs:
                bad.append("%s%s-%d: no link to the previous part" % (folder, name, k))
            if k < len(ks) and "%s-%d.html" % (name, k + 1) not in d.hrefs:
                bad.append("%s%s-%d: no link to the next part" % (folder, name, k))


def main():
    bundle = sys.argv[1]
    inline = "--inline" in sys.argv
    per_page = int(sys.argv[sys.argv.index("--page-messages") + 1]) if "--page-messages" in sys.argv else 2000
    bad = []
    conv_of, month_of = {}, {}
    with open(os.path.join(bundle, "csv", "messages.csv"), encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            conv_of[r["id"]] = r["conversation"]
            month_of[r["id"]] = r["time"][:7] if r["time"] != "unknown" else "unknown"
    conv_size = collections.Counter(conv_of.values())
    docs = {"report.html": parse(os.path.join(bundle, "report.html"))}
    cdir = os.path.join(bundle, "conversations")
    pages = sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []
    for p in pages:
        docs["conversations/" + p] = parse(os.path.join(cdir, p))
    ldir = os.path.join(bundle, "lists")
    lists = sorted(os.listdir(ldir)) if os.path.isdir(ldir) else []
    for p in lists:
        docs["lists/" + p] = parse(os.path.join(ldir, p))
    index = docs["report.html"]

    if inline:
        if pages:
            bad.append("conversations/ exists in the one-file layout")
        count = collections.Counter(index.bubbles)
        for m in conv_of:
            if count[m] != 1:
                bad.append("%s: %d bubbles in report.html" % (m, count[m]))
        for m in count:
            if m not in conv_of:
                bad.append("%s: a bubble in report.html that messages.csv does not list" % m)
        for b in bad:
            print(b)
        print("%d messages, each one bubble in report.html%s" % (len(conv_of), "" if not bad else "; %d failures" % len(bad)))
        return 1 if bad else 0

    if index.bubbles:
        bad.append("report.html still holds %d chat bubbles" % len(index.bubbles))
    seen = collections.Counter()
    parts = collections.defaultdict(list)            # conversation anchor -> part numbers
    for p in pages:
        name = "conversations/" + p
        d = docs[name]
        m = re.fullmatch(r"(c-[0-9a-f]+)-([0-9]+)\.html", p)
        if not m:
            bad.append("%s: not an anchor-part page name" % name)
            continue
        anchor, part = m.group(1), int(m.group(2))
        parts[anchor].append(part)
        seen.update(d.bubbles)
        convs = {conv_of.get(b, "?") for b in d.bubbles}
        if not d.bubbles:
            bad.append("%s: no message" % name)
        if len(convs) > 1:
            bad.append("%s: messages of %d conversations" % (name, len(convs)))
        if len(d.bubbles) > per_page:
            bad.append("%s: %d messages, more than %d" % (name, len(d.bubbles), per_page))
        # a conversation longer than a page is split by month: one month to a page
        months = {month_of.get(b) for b in d.bubbles}
        if len(convs) == 1 and conv_size[next(iter(convs))] > per_page and len(months) > 1:
            bad.append("%s: messages of %d months (%s) on one page" % (name, len(months), sorted(months)))
        if name not in [h.split("#")[0] for h in index.hrefs]:
            bad.append("%s: not linked from report.html" % name)
        if "../report.html#" + anchor not in d.hrefs:
            bad.append("%s: no link back to its entry report.html#%s" % (name, anchor))
        if anchor not in index.ids:
            bad.append("%s: report.html has no element with id %s" % (name, anchor))
        elif convs and convs != {index.talker.get(anchor)}:
            bad.append("%s: messages of %s on the page of %s's entry" % (name, sorted(convs), index.talker.get(anchor)))
    # a large case's long lists: pages linked from their section and back, parts 1..n
    lparts = collections.defaultdict(list)
    for p in lists:
        name = "lists/" + p
        d = docs[name]
        m = re.fullmatch(r"((recovered|anomalies|fragments)(-a[0-9]+)?)-([0-9]+)\.html", p)
        if not m:
            bad.append("%s: not a list page name" % name)
            continue
        sec, part = m.group(1), int(m.group(4))
        lparts[sec].append(part)
        if name not in [h.split("#")[0] for h in index.hrefs]:
            bad.append("%s: not linked from report.html" % name)
        if "../report.html#" + sec not in d.hrefs or sec not in index.ids:
            bad.append("%s: no link back to its section report.html#%s" % (name, sec))
        if d.bubbles:
            bad.append("%s: chat bubbles on a list page" % name)
    check_parts(docs, "lists/", lparts, bad)
    check_parts(docs, "conversations/", parts, bad)
    for m in conv_of:
        if seen[m] != 1:
            bad.append("%s: on %d pages" % (m, seen[m]))
    for m in seen:
        if m not in conv_of:
            bad.append("%s: a bubble that messages.csv does not list" % m)
    # every relative link resolves
    n_links = 0
    for name, d in docs.items():
        base = os.path.dirname(name)
        for h in d.hrefs:
            if re.match(r"[a-z][a-z0-9+.-]*:", h):
                bad.append("%s: a link out of the bundle: %s" % (name, h))
                continue
            target, _, frag = h.partition("#")
            tname = os.path.normpath(os.path.join(base, target)) if target else name
            n_links += 1
            if tname not in docs:
                if not os.path.exists(os.path.join(bundle, tname)):
                    bad.append("%s: link to a missing file %s" % (name, h))
                continue
            if frag and frag not in docs[tname].ids:
                bad.append("%s: link %s: no element with id %s in %s" % (name, h, frag, tname))
    # the manifest lists every page with its hash
    listed = {}
    with open(os.path.join(bundle, "manifest.sha256"), encoding="utf-8") as f:
        for line in f:
            digest, _, path = line.rstrip("\n").partition("  ")
            listed[path] = digest
    for name in ["conversations/" + p for p in pages] + ["lists/" + p for p in lists]:
        with open(os.path.join(bundle, name), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if listed.get(name) != digest:
            bad.append("%s: not in manifest.sha256 with its SHA-256" % name)
    for b in bad[:50]:
        print(b)
    print("%d messages on %d pages of %d conversations, each once; %d list pages; %d links resolve%s"
          % (len(conv_of), len(pages), len(parts), len(lists), n_links - sum("link" in b for b in bad),
             "" if not bad else "; %d failures" % len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
