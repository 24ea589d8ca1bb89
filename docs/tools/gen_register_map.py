#!/usr/bin/env python3
"""Regenerate the tables of docs/register-map.md from the code.

Sources (read, never changed):
  model/nic/e1000_regs.h     register offsets, bit fields, interrupt causes, descriptor layouts, reset constants
  model/nic/register_table.h the register table: kRegisterTable, one row per register or register array, the
                             statistics block from its list kStatistics
  model/nic/config_space.h   configuration-space identity constants

Usage (from the repository root):
  python3 docs/tools/gen_register_map.py           rewrite the generated blocks of docs/register-map.md
  python3 docs/tools/gen_register_map.py --check   exit 1 if docs/register-map.md is out of date

Generated blocks sit between '<!-- BEGIN generated:NAME -->' and '<!-- END generated:NAME -->'; the prose around
them is hand-written. The script stops with an error naming what it did not recognise when the code takes a shape it
does not know (e.g. a table cell it cannot evaluate), rather than writing a wrong table.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGS_H = ROOT / "model/nic/e1000_regs.h"
TABLE_H = ROOT / "model/nic/register_table.h"
CFG_H = ROOT / "model/nic/config_space.h"
DOC = ROOT / "docs/register-map.md"


def die(msg):
    sys.exit("gen_register_map.py: " + msg)


def read(p):
    return p.read_text(encoding="utf-8")


# ---- e1000_regs.h: top-level register offsets ------------------------------------------------------------------
REG_RE = re.compile(r"^constexpr uint32_t (\w+) = (0x[0-9A-Fa-f]+);\s*//\s*(.*)$")


def parse_offsets(text):
    """Top-level (namespace nicsim::e1000) 'constexpr uint32_t NAME = 0x...; // comment' lines, in file order."""
    regs = {}
    depth_ns = 0
    for line in text.splitlines():
        s = line.strip()
        if re.match(r"^namespace \w+ \{", s) and not s.startswith("namespace nicsim"):
            depth_ns += 1
            continue
        if s.startswith("}  // namespace") and depth_ns > 0 and "nicsim" not in s:
            depth_ns -= 1
            continue
        if depth_ns:
            continue
        m = REG_RE.match(s)
        if m and m.group(1) not in ("IOADDR", "IODATA") and not m.group(1).startswith("k"):  # I/O window, constants
            regs[m.group(1)] = (int(m.group(2), 16), m.group(3))
    return regs


def parse_namespaces(text):
    """Bit fields per nested namespace: name -> list of (field, pos, width, comment) and constants."""
    out = {}
    cur = None
    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^namespace (\w+) \{", s)
        if m and m.group(1) not in ("nicsim", "detail"):
            cur = m.group(1)
            out[cur] = []
            continue
        if cur and s.startswith("}  // namespace"):
            cur = None
            continue
        if not cur:
            continue
        m = re.match(r"^using (\w+) = Bit<(\d+)>;\s*//\s*(.*)$", s)
        if m:
            out[cur].append((m.group(1), int(m.group(2)), 1, m.group(3)))
            continue
        m = re.match(r"^using (\w+) = Field<(\d+), (\d+)>;\s*//\s*(.*)$", s)
        if m:
            out[cur].append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
            continue
        m = re.match(r"^constexpr uint32_t (\w+) = 1u << (\d+);\s*//\s*(.*)$", s)
        if m:
            out[cur].append((m.group(1), int(m.group(2)), 1, m.group(3)))
            continue
        m = re.match(r"^constexpr uint32_t (\w+) = (0x[0-9A-Fa-f]+)u?;\s*//\s*(.*)$", s)
        if m:
            out[cur].append((m.group(1), None, int(m.group(2), 16), m.group(3)))
            continue
        m = re.match(r"^constexpr uint32_t (\w+) = (\d+);\s*//\s*(.*)$", s)
        if m:
            out[cur].append((m.group(1), None, int(m.group(2)), m.group(3)))
    return out


def parse_reset_constants(text):
    consts = {}
    for m in re.finditer(r"constexpr uint32_t (k\w+Reset) = (0x[0-9A-Fa-f]+);", text):
        consts[m.group(1)] = int(m.group(2), 16)
    return consts


# ---- register_table.h: the register table ---------------------------------------------------------------------
def split_top(text, sep=","):
    """Split on `sep` outside string literals and braces."""
    parts, depth, cur, quote = [], 0, "", False
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch == "{":
            depth += 1
        elif not quote and ch == "}":
            depth -= 1
        if ch == sep and depth == 0 and not quote:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def eval_value(expr, offsets, consts):
    """A table cell: a literal, e1000::NAME (an offset) or e1000::kXxxReset."""
    expr = expr.strip()
    if re.fullmatch(r"(0x[0-9A-Fa-f]+|\d+)u?", expr):
        return int(expr.rstrip("u"), 0)
    m = re.fullmatch(r"e1000::(\w+)", expr)
    if m and m.group(1) in consts:
        return consts[m.group(1)]
    if m and m.group(1) in offsets:
        return offsets[m.group(1)][0]
    die("cannot evaluate '" + expr + "' in " + TABLE_H.name + "; teach eval_value()")


HOOKS = {"kNoHook": 0, "kPeek": 1, "kPoke": 2, "kOnRead": 4, "kOnWrite": 8}


def array_body(text, name, elem):
    """The cells of 'inline constexpr <elem> <name>[] = { ... };' without comment lines."""
    m = re.search(elem + r" " + name + r"\[\] = \{(.*?)\n\};", text, re.S)
    if not m:
        die(name + " not found in " + TABLE_H.name)
    body = "\n".join(line for line in m.group(1).splitlines() if not line.strip().startswith("//"))
    cells = []
    for cell in split_top(body):
        if not cell:
            continue
        if not (cell.startswith("{") and cell.endswith("}")):
            die("a row of " + name + " has a shape this script does not know: " + cell[:60])
        cells.append(split_top(cell[1:-1]))
    return cells


def parse_table(text, offsets, consts):
    """The rows of kRegisterTable (kRowsBeforeStatistics, the kStatistics list, kRowsAfterStatistics), as dicts, in
    file order. Dies on a row it cannot read."""
    if "join_rows(kRowsBeforeStatistics, kStatistics, kRowsAfterStatistics)" not in text:
        die("kRegisterTable is not join_rows(kRowsBeforeStatistics, kStatistics, kRowsAfterStatistics) in "
            + TABLE_H.name)

    def rows_of(name):
        rows = []
        for f in array_body(text, name, "RegisterSpec"):
            if len(f) != 10:
                die("a row of " + name + " does not have 10 cells: " + ",".join(f)[:60])
            hooks = 0
            for h in f[8].split("|"):
                if h.strip() not in HOOKS:
                    die("unknown hook " + h.strip())
                hooks |= HOOKS[h.strip()]
            rows.append({
                "name": f[0].strip('"'), "offset": eval_value(f[1], offsets, consts), "count": int(f[2]),
                "stride": int(f[3]), "bits": int(f[4]), "access": f[5].replace("Access::", ""),
                "reset": eval_value(f[6], offsets, consts), "mask": eval_value(f[7], offsets, consts), "hooks": hooks,
                "what": "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', f[9])),
            })
        return rows

    stats = []
    for f in array_body(text, "kStatistics", "StatisticsSpec"):
        if len(f) != 4:
            die("a row of kStatistics does not have 4 cells: " + ",".join(f)[:60])
        stats.append({
            "name": f[0].strip('"'), "offset": eval_value(f[1], offsets, consts), "count": 1, "stride": 4,
            "bits": int(f[2]), "access": "ReadClear", "reset": 0, "mask": 0, "hooks": 0,
            "what": "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', f[3])),
        })
    return rows_of("kRowsBeforeStatistics") + stats + rows_of("kRowsAfterStatistics")


# ---- descriptors -----------------------------------------------------------------------------------------------
def parse_struct(text, name):
    m = re.search(r"struct " + name + r" \{(.*?)\n\};", text, re.S)
    if not m:
        die("struct " + name + " not found in " + REGS_H.name)
    return m.group(1)


def desc_fields(body):
    """Accessor lines 'T name() const { return ...(b + N) / b[N] ... } // comment' -> (byte, bytes, name, comment)."""
    rows = []
    for line in body.splitlines():
        s = line.strip()
        c = re.search(r"//\s*(.*)$", s)
        if not c or " const {" not in s:
            continue
        m = re.search(r"(\w+)\(\) const \{ return (.*)\}", s)
        if not m:
            continue
        expr = m.group(2)
        ld = re.search(r"ld(16|32|64)\(b \+ (\d+)\)", expr)
        by = re.search(r"b\[(\d+)\]", expr)
        if ld:
            rows.append((int(ld.group(2)), int(ld.group(1)) // 8, m.group(1), c.group(1), ""))
        elif by:
            note = "bits 3:0" if "& 0x0F" in expr else ""
            rows.append((int(by.group(1)), 1, m.group(1), c.group(1), note))
    return sorted(rows)


def desc_consts(body):
    rows = []
    for m in re.finditer(r"static constexpr uint8_t (k\w+) = 1u << (\d+);\s*//\s*(.*)", body):
        rows.append((m.group(1), int(m.group(2)), m.group(3).strip()))
    fields = []
    for m in re.finditer(r"using (\w+) = Field<(\d+), (\d+)>;\s*//\s*(.*)", body):
        fields.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4).strip()))
    return rows, fields


# ---- rendering -------------------------------------------------------------------------------------------------
def bits_text(pos, width):
    return str(pos) if width == 1 else "%d:%d" % (pos + width - 1, pos)


def hex32(v):
    return "0x%08X" % v


ACCESS_TEXT = {
    "RW": "RW",
    "RO": "RO",
    "WO": "WO",
    "ReadClear": "RC (read clears)",
    "ReadClearW1C": "RC/W1C (read clears, write 1 clears)",
    "W1C": "W1C (write 1 clears)",
    "Absent": "absent (other 8254x/8257x parts)",
}


def hooks_text(h):
    names = [n for n, b in (("peek", 1), ("poke", 2), ("on_read", 4), ("on_write", 8)) if h & b]
    return ", ".join(names)


def render_registers(offsets, rows):
    by_off = {}
    for name, (off, comment) in offsets.items():
        by_off.setdefault(off, (name, comment))
    lines = ["| Offset | Name | Access | Reset | Write mask | Handlers | What |", "|---|---|---|---|---|---|---|"]
    stats = []
    for r in rows:
        if r["access"] == "ReadClear" and offsets["CRCERRS"][0] <= r["offset"] <= offsets["TSCTFC"][0]:
            stats.append(r)
            continue
        name, comment = by_off.get(r["offset"], ("?", ""))
        if name == "?":
            die("register at 0x%04X has no name in %s" % (r["offset"], REGS_H.name))
        shown, offset_text = r["name"], "0x%04X" % r["offset"]
        if r["count"] > 1:
            last = r["offset"] + (r["count"] - 1) * r["stride"]
            shown = "%s[0..%d]" % (r["name"], r["count"] - 1)
            offset_text = "0x%04X + %dn (to 0x%04X)" % (r["offset"], r["stride"], last)
        what = comment + (": " + r["what"] if r["what"] else "")
        if r["access"] not in ACCESS_TEXT:
            die("unknown access " + r["access"])
        mask_text = "" if r["access"] != "RW" or r["mask"] == 0xFFFFFFFF else hex32(r["mask"])
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (offset_text, shown, ACCESS_TEXT[r["access"]],
                                                               hex32(r["reset"]), mask_text, hooks_text(r["hooks"]),
                                                               what))
    stat_lines = ["| Offset | Name | What |", "|---|---|---|"]
    for r in stats:
        for d in range(r["bits"] // 32):
            off = r["offset"] + 4 * d
            name, comment = by_off.get(off, ("?", ""))
            if name == "?":
                die("statistics register at 0x%04X has no name" % off)
            stat_lines.append("| 0x%04X | %s | %s |" % (off, name, comment + (": " + r["what"] if r["what"] else "")))
    return "\n".join(lines), "\n".join(stat_lines)


NS_REGS = [
    ("ctrl", "CTRL (0x0000)"),
    ("status", "STATUS (0x0008)"),
    ("eecd", "EECD (0x0010)"),
    ("eerd", "EERD (0x0014)"),
    ("icr", "Interrupt causes: ICR (0x00C0), ICS (0x00C8), IMS (0x00D0), IMC (0x00D8)"),
    ("itr", "ITR (0x00C4)"),
    ("delay", "TIDV (0x3820), TADV (0x382C), RDTR (0x2820), RADV (0x282C)"),
    ("rctl", "RCTL (0x0100)"),
    ("tctl", "TCTL (0x0400)"),
    ("dctl", "TXDCTL (0x3828), RXDCTL (0x2828)"),
    ("rahf", "RAH[n] (0x5404 + 8n)"),
]


def render_bits(ns):
    out = []
    for key, title in NS_REGS:
        if key not in ns:
            die("namespace " + key + " not found in " + REGS_H.name)
        out.append("#### " + title)
        out.append("")
        out.append("| Bits | Field | Meaning |")
        out.append("|---|---|---|")
        consts = []
        for name, pos, width, comment in ns[key]:
            if pos is None:
                consts.append((name, width, comment))
                continue
            out.append("| %s | %s | %s |" % (bits_text(pos, width), name, comment))
        if consts:
            out.append("")
            out.append("Constants: " + "; ".join("`%s` = %s (%s)" % (n, ("0x%X" % v) if v > 9 else v, c)
                                               for n, v, c in consts) + ".")
        out.append("")
    return "\n".join(out).rstrip()


# Which descriptor byte a constant's bit belongs to, by its name prefix.
FIELD_OF_PREFIX = {
    "Cmd": "CMD (byte 11)",
    "Sta": "STA/status (byte 12)",
    "Err": "errors (byte 13)",
    "Tucmd": "TUCMD (byte 11)",
    "Dcmd": "DCMD (byte 11)",
    "Popts": "POPTS (byte 13)",
}


def render_desc(text):
    out = []
    for struct, title in [("TxDesc", "Legacy TX descriptor (`TxDesc`, CMD.DEXT = 0)"),
                          ("TxContextDesc", "TCP/IP context descriptor (`TxContextDesc`, DEXT = 1, DTYP = 0000)"),
                          ("TxDataDesc", "TCP/IP data descriptor (`TxDataDesc`, DEXT = 1, DTYP = 0001)"),
                          ("RxDesc", "Legacy RX descriptor (`RxDesc`)")]:
        body = parse_struct(text, struct)
        out.append("#### " + title)
        out.append("")
        out.append("| Byte | Size | Field | Meaning |")
        out.append("|---:|---:|---|---|")
        for byte, size, name, comment, note in desc_fields(body):
            extra = " (" + note + ")" if note else ""
            out.append("| %d | %d | `%s` | %s%s |" % (byte, size, name, comment, extra))
        consts, fields = desc_consts(body)
        if fields:
            out.append("")
            out.append("Fields of the dword at byte 8 (`cmd_len`):")
            out.append("")
            out.append("| Bits | Field | Meaning |")
            out.append("|---|---|---|")
            for n, pos, w, c in fields:
                out.append("| %s | %s | %s |" % (bits_text(pos, w), n, c))
        if consts:
            out.append("")
            out.append("| In | Bit | Constant | Meaning |")
            out.append("|---|---:|---|---|")
            for n, pos, c in consts:
                m = re.match(r"k(Cmd|Sta|Err|Tucmd|Dcmd|Popts)[A-Z]", n)
                if not m:
                    die("descriptor constant " + n + " has no known prefix (kCmd, kSta, kErr, kTucmd, kDcmd, kPopts)")
                out.append("| %s | %d | `%s` | %s |" % (FIELD_OF_PREFIX[m.group(1)], pos, n, c))
        out.append("")
    return "\n".join(out).rstrip()


def render_config(text):
    consts = {}
    for m in re.finditer(r"static constexpr uint(?:8|16|32)_t (k\w+) = (0x[0-9A-Fa-f]+|\d+[^;]*);\s*///<\s*(.*)", text):
        consts[m.group(1)] = (m.group(2), m.group(3))
    need = ["kVendor", "kDevice", "kClass", "kRevision", "kSubsysVendor", "kSubsysId", "kMinGnt", "kMaxLat"]
    for n in need:
        if n not in consts:
            die(n + " not found in " + CFG_H.name)
    lines = ["| Constant | Value | Meaning |", "|---|---|---|"]
    for n in need:
        lines.append("| `%s` | %s | %s |" % (n, consts[n][0], consts[n][1]))
    return "\n".join(lines)


def main():
    regs_text = read(REGS_H)
    offsets = parse_offsets(regs_text)
    ns = parse_namespaces(regs_text)
    consts = parse_reset_constants(regs_text)
    rows = parse_table(read(TABLE_H), offsets, consts)
    covered = set()
    for r in rows:
        for n in range(r["count"]):
            for d in range(r["bits"] // 32):
                covered.add(r["offset"] + n * r["stride"] + 4 * d)
    # Every named register of e1000_regs.h should be in the table (or deliberately not).
    missing = sorted(n for n, (off, _) in offsets.items() if off not in covered)
    regs, stats = render_registers(offsets, rows)
    blocks = {
        "registers": regs,
        "statistics": stats,
        "bits": render_bits(ns),
        "descriptors": render_desc(regs_text),
        "config": render_config(read(CFG_H)),
        "unimplemented": ("Every register named in `e1000_regs.h` is in the register table." if not missing else
                          "Named in `e1000_regs.h` but not in the register table (accesses read 0 and raise "
                          "`nicsim/nic/unknown-register`): " + ", ".join(missing) + "."),
    }
    doc = read(DOC)
    new = doc
    for name, content in blocks.items():
        pat = re.compile(r"(<!-- BEGIN generated:%s -->\n).*?(<!-- END generated:%s -->)" % (name, name), re.S)
        if not pat.search(new):
            die("block '" + name + "' not found in " + str(DOC))
        new = pat.sub(lambda m: m.group(1) + content + "\n" + m.group(2), new)
    if "--check" in sys.argv:
        if new != doc:
            print("docs/register-map.md is out of date: run python3 docs/tools/gen_register_map.py")
            return 1
        print("docs/register-map.md is up to date (%d table rows covering %d dwords)" % (len(rows), len(covered)))
        return 0
    DOC.write_text(new, encoding="utf-8")
    print("docs/register-map.md: %d table rows covering %d dwords, generated blocks rewritten" % (len(rows), len(covered)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
