# SPDX-License-Identifier: Apache-2.0
"""Compares the Android reader's model dump (JSON Lines, src/model/model_json.c) with a
fixture's ground truth.  Prints "ok - …" / "not ok - …" lines (one per checked group, with
counts) and "# …" details; exit 1 if anything failed.  Only live rows are compared: deleted
rows are the carver's business (they must NOT appear as live messages)."""
import json
import sys

model_path, truth_path, name = sys.argv[1], sys.argv[2], sys.argv[3]
truth = json.load(open(truth_path, encoding="utf-8"))
recs = [json.loads(l) for l in open(model_path, encoding="utf-8")]
failed = 0


def check(cond, what, details=()):
    global failed
    print(("ok" if cond else "not ok") + " - " + name + ": " + what)
    if not cond:
        failed += 1
        for d in list(details)[:12]:
            print("# " + str(d))


def by(rec):
    return [r for r in recs if r["rec"] == rec]


msgs = by("message")
pays = by("payment")
idents = {r["username"]: r for r in by("identity")}
groups = {r["username"]: r for r in by("group")}
convs = {r["talker"]: r for r in by("conversation")}
owner = [r for r in recs if r["rec"] == "owner"]
live_msgs = {(m["table"], m["local_id"]): m for m in msgs if m["prov"]["origin"] == "live"}
msg_by_id = {m["id"]: m for m in msgs}

# hostile fixture labels: the XML is refused or malformed, the row stays an app message
KIND = {"malformed-appmsg": "app-other", "xxe-appmsg": "app-other", "entity-bomb-appmsg": "app-other",
        "emoji": "sticker", "redpacket": "red-packet", "redpacket-claim": "red-packet-claim",
        "recalled": "recalled", "revoke-command": "revoke-command"}
STATE = {"pending": "initiated"}
LIVE = ("live", "wal-only")

# ---------------------------------------------------------------- messages
tm = [m for m in truth["messages"] if m["state"] in LIVE]
errs = {k: [] for k in ("found", "type", "kind", "sender", "time", "dir", "talker", "svrid",
                        "body", "media", "pay", "recall")}
for t in tm:
    key = (t["table"], t["msgId"])
    m = live_msgs.get(key)
    if m is None:
        errs["found"].append(key)
        continue
    if m["raw_type"] != t["type"]:
        errs["type"].append((key, m["raw_type"], t["type"]))
    if m["kind"] != KIND.get(t["kind"], t["kind"]):
        errs["kind"].append((key, m["kind"], t["kind"]))
    if t["kind"] in ("malformed-appmsg", "xxe-appmsg", "entity-bomb-appmsg"):
        if not any("not decoded" in w for w in m.get("warnings", [])):
            errs["kind"].append((key, "hostile XML without a warning", m.get("warnings")))
        if m.get("title") is not None and ("root:" in m["title"] or "lol" in m["title"]):
            errs["kind"].append((key, "entity expanded!", m["title"][:40]))
    if m["sender"] != t["sender"]:
        errs["sender"].append((key, m["sender"], t["sender"]))
    if m["time_ms"] != t["createTime_ms"]:
        errs["time"].append((key, m["time_ms"], t["createTime_ms"]))
    if m["is_send"] != t["isSend"]:
        errs["dir"].append((key, m["is_send"], t["isSend"]))
    if m["talker"] != t["talker"]:
        errs["talker"].append((key, m["talker"], t["talker"]))
    want_svr = None if t["msgSvrId"] in ("0", 0, None) else str(t["msgSvrId"])
    if m["server_id"] != want_svr:
        errs["svrid"].append((key, m["server_id"], want_svr))
    # body: the stored content without the group prefix (exact, unless not valid UTF-8)
    if "body_hex" not in t:
        content = m["content"]
        payload = content
        if m["sender_src"] == "group-prefix" and content is not None:
            payload = content.split(":\n", 1)[1]
        if payload != t["body"]:
            errs["body"].append((key, (payload or "")[:60], t["body"][:60]))
    # media
    if t.get("media"):
        paths = [md["path"] or "" for md in m.get("media", [])]
        present = any(md["state"] == "present" for md in m.get("media", []))
        want = t.get("media_all") or [t["media"]]
        for wpath in want:
            hit = [md for md in m.get("media", []) if (md["path"] or "").endswith(wpath)
                   or wpath.endswith(md["expected"] or "\0")]
            if not hit:
                errs["media"].append((key, "no media entry for", wpath, paths))
        if present != t["media_present"]:
            errs["media"].append((key, "present", present, t["media_present"]))
        for md in m.get("media", []):
            if md["state"] == "present" and not (md["sha256"] and md["size"] is not None):
                errs["media"].append((key, "present but not hashed", md["expected"]))
    # payments
    if "transferid" in t:
        p = [x for x in pays if x["id"] == m["payment"]]
        if not p or p[0]["transfer_id"] != t["transferid"]:
            errs["pay"].append((key, "not linked to transfer", t["transferid"]))
        else:
            ev = [e for e in p[0]["events"] if e["msg"] == m["id"]]
            if not ev or ev[0]["paysubtype"] != t["paysubtype"]:
                errs["pay"].append((key, "paysubtype", ev[:1], t["paysubtype"]))
    if "billno" in t:
        p = [x for x in pays if x["id"] == m["payment"]]
        if not p or p[0]["kind"] != "aa" or p[0]["key"] != t["billno"]:
            errs["pay"].append((key, "not linked to AA", t["billno"]))
    if "sendid" in t:
        p = [x for x in pays if x["id"] == m["payment"]]
        if not p or p[0]["kind"] != "red-packet" or p[0]["sendid"] != t["sendid"]:
            errs["pay"].append((key, "not linked to red packet", t["sendid"]))
    if t["kind"] == "card" and t.get("card_username"):
        if m.get("card_username") != t["card_username"] or m.get("card_nickname") != t.get("card_nickname"):
            errs["pay"].append((key, "card", m.get("card_username"), t["card_username"]))
    if t["kind"] == "recalled":
        r = m.get("recall") or {}
        if r.get("text") != t["body"]:
            errs["recall"].append((key, "recall text", r.get("text"), t["body"]))
    if t["kind"] == "revoke-command":
        r = m.get("recall") or {}
        if r.get("target_server_id") != t.get("revoked_svrid"):
            errs["recall"].append((key, "revoked svrid", r.get("target_server_id"), t.get("revoked_svrid")))
        tgt = msg_by_id.get(r.get("target_msg") or "")
        want_tgt = [x for x in truth["messages"] if x["msgSvrId"] == t.get("revoked_svrid")
                    and x["state"] in LIVE]
        if want_tgt and (tgt is None or tgt["local_id"] != want_tgt[0]["msgId"]):
            errs["recall"].append((key, "revoke not linked to the recalled row"))

n = len(tm)
check(not errs["found"], "all %d live messages found" % n, errs["found"])
for k, label in (("type", "raw type"), ("kind", "kind"), ("sender", "sender"), ("time", "time (ms)"),
                 ("dir", "isSend"), ("talker", "talker"), ("svrid", "server id (exact 64-bit)"),
                 ("body", "body / content without prefix"), ("media", "media located, hashed, missing ones reported"),
                 ("pay", "payment links (transfer/red packet/AA/card)"), ("recall", "recalls")):
    check(not errs[k], "%s right for %d/%d live messages" % (label, n - len(errs[k]) - len(errs["found"]), n), errs[k])

# live message count per table must not exceed the truth (no deleted row shown as live)
for tbl in set(t for t, _ in live_msgs) & set(m["table"] for m in truth["messages"]):
    want = len([m for m in tm if m["table"] == tbl])
    got = len([1 for (t, _) in live_msgs if t == tbl])
    check(got == want, "%s: %d live rows read, truth %d" % (tbl, got, want))

# ---------------------------------------------------------------- owner
o = truth["owner"]
oi = idents.get(o["wxid"], {})
vals = lambda a: [x["value"] for x in oi.get(a, [])]
check(owner and owner[0]["username"] == o["wxid"] and oi.get("is_owner"), "owner wxid")
problems = []
if o.get("nickname") and o["nickname"] not in vals("nicknames"):
    problems.append(("nickname", vals("nicknames"), o["nickname"]))
if o.get("alias") and o["alias"] not in vals("aliases"):
    problems.append(("alias", vals("aliases"), o["alias"]))
if o.get("phone") and o["phone"] not in vals("phones"):
    problems.append(("phone", vals("phones"), o["phone"]))
if o.get("true_name") and o["true_name"] not in vals("real_names"):
    problems.append(("true_name", vals("real_names"), o["true_name"]))
if o.get("card_tail") and not any(v.endswith("|" + o["card_tail"]) for v in vals("bank_cards")):
    problems.append(("card_tail", vals("bank_cards"), o["card_tail"]))
check(not problems, "owner attributes (nickname, alias, phone, real name, card tail)", problems)

# ---------------------------------------------------------------- contacts
problems = []
for c in truth["contacts"]:
    i = idents.get(c["username"])
    if i is None:
        problems.append(("missing", c["username"]))
        continue
    def has(attr, src, v):
        return not v or any(x["value"] == v and x["source"] == src for x in i[attr])
    if not i["in_contacts"]:
        problems.append((c["username"], "not in_contacts"))
    if not has("aliases", "rcontact.alias", c.get("alias")):
        problems.append((c["username"], "alias", c.get("alias")))
    if not has("remarks", "rcontact.conRemark", c.get("conRemark")):
        problems.append((c["username"], "remark", c.get("conRemark")))
    if not has("nicknames", "rcontact.nickname", c.get("nickname")):
        problems.append((c["username"], "nickname", c.get("nickname")))
    for a, b in (("type_flags", "type"), ("verify_flag", "verifyFlag"), ("delete_flag", "deleteFlag")):
        if b in c and i[a] != c[b]:
            problems.append((c["username"], a, i[a], c[b]))
check(not problems, "%d contacts with alias, remark, nickname, flags" % len(truth["contacts"]), problems)

# ---------------------------------------------------------------- groups
problems = []
for g in truth["chatrooms"]:
    x = groups.get(g["name"])
    if x is None:
        problems.append(("missing", g["name"]))
        continue
    if [mm["username"] for mm in x["members"]] != g["members"]:
        problems.append((g["name"], "members", [mm["username"] for mm in x["members"]], g["members"]))
    if g.get("owner") and g["owner"] not in [a["value"] for a in x["owners"]]:
        problems.append((g["name"], "owner", g["owner"]))
    if g.get("displayname") is not None and x["displayname_raw"] != g["displayname"]:
        problems.append((g["name"], "displayname", x["displayname_raw"], g["displayname"]))
check(not problems, "%d groups with members, owner, display names" % len(truth["chatrooms"]), problems)

# ---------------------------------------------------------------- transfers
problems = []
for tr in truth["transfers"]:
    p = [x for x in pays if x["kind"] == "transfer" and x["transfer_id"] == tr["transferid"]]
    if len(p) != 1:
        problems.append(("transfer", tr["transferid"], "found %d" % len(p)))
        continue
    p = p[0]
    tid = tr["transferid"][-6:]
    if p["amount"]["fen"] != tr["amount_fen"] or not p["amount"]["known"]:
        problems.append((tid, "amount", p["amount"], tr["amount_fen"]))
    if p["amount"]["text"] != tr["amount_text"]:
        problems.append((tid, "amount text", p["amount"]["text"], tr["amount_text"]))
    if p["payer"] != tr["payer"] or p["receiver"] != tr["receiver"]:
        problems.append((tid, "parties", p["payer"], p["receiver"], tr["payer"], tr["receiver"]))
    if p["final_state"] != STATE.get(tr["final_state"], tr["final_state"]):
        problems.append((tid, "final state", p["final_state"], tr["final_state"]))
    if p["witness_disagrees"] != tr["witness_disagrees"]:
        problems.append((tid, "witness", p["witness_disagrees"], tr["witness_disagrees"]))
    if tr.get("remittance_receiveStatus") is not None and p["witness_status"] != tr["remittance_receiveStatus"]:
        problems.append((tid, "witness value", p["witness_status"], tr["remittance_receiveStatus"]))
    if p["memo"] != tr.get("memo"):
        problems.append((tid, "memo", p["memo"], tr.get("memo")))
    if p["transaction_id"] != tr.get("transcationid"):
        problems.append((tid, "transaction id", p["transaction_id"], tr.get("transcationid")))
    if p["begin_time_ms"] != tr["begintransfertime"] * 1000 or p["invalid_time_ms"] != tr["invalidtime"] * 1000:
        problems.append((tid, "times", p["begin_time_ms"], p["invalid_time_ms"]))
    # grouping: every live row of the transfer is an event of this one payment
    live_rows = [r for r, s in zip(tr["rows"], tr["row_states"]) if s in LIVE]
    ids = set()
    for r in live_rows:
        m = live_msgs.get(("message", r))
        if m is None or m["payment"] != p["id"]:
            problems.append((tid, "live row not grouped", r))
        else:
            ids.add(m["id"])
    live_pst = [pst for pst, s in zip(tr["paysubtypes"], tr["row_states"]) if s in LIVE]
    got_pst = [e["paysubtype"] for e in p["events"] if e["msg"] in ids]
    if sorted(got_pst) != sorted(live_pst):
        problems.append((tid, "live paysubtypes", got_pst, live_pst))
    if not set(tr["paysubtypes"]) >= set(e["paysubtype"] for e in p["events"]):
        problems.append((tid, "unexpected paysubtypes", [e["paysubtype"] for e in p["events"]]))
check(not problems, "%d transfers: amount, parties, memo, times, grouping, final state, witness"
      % len(truth["transfers"]), problems)
ntr = len([x for x in pays if x["kind"] == "transfer"])
check(ntr == len(truth["transfers"]), "transfer count %d (truth %d)" % (ntr, len(truth["transfers"])))

# ---------------------------------------------------------------- red packets, AA, receipts
problems = []
for rp in truth.get("redpackets", []):
    p = [x for x in pays if x["kind"] == "red-packet" and x["sendid"] == rp["sendid"]]
    if len(p) != 1:
        problems.append(("red packet", rp["sendid"], len(p)))
        continue
    p = p[0]
    if rp.get("wishing") and p["greeting"] != rp["wishing"]:
        problems.append(("greeting", p["greeting"], rp["wishing"]))
    if rp.get("sender") and p["payer"] != rp["sender"]:
        problems.append(("sender", p["payer"], rp["sender"]))
    cl = [c for c in p["claims"] if c["claimer"] == rp.get("claimed_by")]
    if rp.get("claimed_by") and not cl:
        problems.append(("claim", [c["claimer"] for c in p["claims"]], rp["claimed_by"]))
    elif rp.get("receiveAmount_fen") is not None and cl[0]["amount"]["fen"] != rp["receiveAmount_fen"]:
        problems.append(("claim amount", cl[0]["amount"], rp["receiveAmount_fen"]))
    if rp.get("claim_msgId") is not None:
        cm = live_msgs.get(("message", rp["claim_msgId"]))
        if cm is None or cm["payment"] != p["id"]:
            problems.append(("claim message not linked", rp["claim_msgId"]))
for aa in truth.get("aa", []):
    p = [x for x in pays if x["kind"] == "aa" and x["key"] == aa["billno"]]
    if len(p) != 1:
        problems.append(("aa", aa["billno"], len(p)))
        continue
    p = p[0]
    if aa.get("aarecord_status") is not None and p["aa_status"] != aa["aarecord_status"]:
        problems.append(("aa status", p["aa_status"], aa["aarecord_status"]))
    if aa.get("launcher") and p["aa_launcher"] != aa["launcher"]:
        problems.append(("aa launcher", p["aa_launcher"], aa["launcher"]))
    if aa.get("payers") and (p["aa_payers"] or "").split(",") != aa["payers"]:
        problems.append(("aa payers", p["aa_payers"], aa["payers"]))
    if aa.get("per_person_fen") is not None and p["amount"]["fen"] != aa["per_person_fen"]:
        problems.append(("aa per person", p["amount"], aa["per_person_fen"]))
for rc in truth.get("receipts", []):
    m = live_msgs.get(("message", rc["msgId"]))
    p = [x for x in pays if m is not None and x["id"] == m["payment"]]
    if not p or p[0]["kind"] != "receipt":
        problems.append(("receipt not decoded", rc["msgId"]))
        continue
    p = p[0]
    lines = dict(p["lines"])
    want = dict(rc["lines"])
    want[rc["topline_key"]] = rc["topline_value"]
    if lines != want:
        problems.append(("receipt lines", lines, want))
    if p["amount"]["fen"] != rc["amount_fen"]:
        problems.append(("receipt amount", p["amount"], rc["amount_fen"]))
n_rp = len(truth.get("redpackets", [])) + len(truth.get("aa", [])) + len(truth.get("receipts", []))
check(not problems, "%d red packets / AA / receipts with claims, status and every receipt line" % n_rp, problems)

# ---------------------------------------------------------------- deleted conversations
problems = []
for d in truth.get("deleted_conversations", []):
    c = convs.get(d["username"])
    if c is None or not c["deleted"] or c.get("deleted_time_ms") != d.get("deleted_at_ms"):
        problems.append((d, c and (c["deleted"], c.get("deleted_time_ms"))))
check(not problems, "%d deleted conversations recorded" % len(truth.get("deleted_conversations", [])), problems)

# ---------------------------------------------------------------- ledger inputs
led = truth.get("ledger")
if led is not None and truth.get("seller"):
    s, b = truth["seller"], truth["owner"]["wxid"]
    paid = sum(p["amount"]["fen"] for p in pays if p["kind"] == "transfer" and p["payer"] == b
               and p["receiver"] == s and p["final_state"] == "accepted")
    refunded = sum(p["amount"]["fen"] for p in pays if p["kind"] == "transfer" and p["payer"] == b
                   and p["receiver"] == s and p["final_state"] == "refunded")
    check(paid == led["paid_fen"] and refunded == led["refunded_fen"],
          "ledger inputs: paid %d refunded %d (truth %d / %d)" % (paid, refunded, led["paid_fen"], led["refunded_fen"]))

sys.exit(1 if failed else 0)
