#!/usr/bin/env python3
"""Regenerate the tables of docs/register-map.md from the code.

Sources (read, never changed):
  model/nic/e1000_regs.h     register offsets, bit fields, interrupt causes, descriptor layouts, reset constants
  model/nic/nic_82540em.cpp  the register table: define(offset, Access::X, reset[, write mask]) in the constructor
  model/nic/config_space.h   configuration-space identity constants

Usage (from the repository root):
  python3 docs/tools/gen_register_map.py           rewrite the generated blocks of docs/register-map.md
  python3 docs/tools/gen_register_map.py --check   exit 1 if docs/register-map.md is out of date

Generated blocks sit between '<!-- BEGIN generated:NAME -->' and '<!-- END generated:NAME -->'; the prose around
them is hand-written. The script stops with an error naming what it did not recognise when the code takes a shape it
does not know (e.g. a new kind of define() loop), rather than writing a wrong table.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGS_H = ROOT / "model/nic/e1000_regs.h"
NIC_CPP = ROOT / "model/nic/nic_82540em.cpp"
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


# ---- nic_82540em.cpp: the register table ----------------------------------------------------------------------
def eval_value(expr, offsets, ns, consts):
    """The value of a define() argument: literal, kXxxReset, ns::FIELD::make(v), ns::F::mask | ..., ~0."""
    expr = expr.strip()
    if expr.endswith("u"):
        expr = expr[:-1]
    if re.fullmatch(r"0x[0-9A-Fa-f]+|\d+", expr):
        return int(expr, 0)
    if expr in consts:
        return consts[expr]
    if "|" in expr:
        v = 0
        for part in expr.split("|"):
            v |= eval_value(part, offsets, ns, consts)
        return v
    m = re.fullmatch(r"(\w+)::(\w+)::(make\((\d+)\)|mask)", expr)
    if m:
        fields = {f[0]: f for f in ns.get(m.group(1), [])}
        if m.group(2) not in fields:
            die("unknown field " + expr + " in " + NIC_CPP.name)
        _, pos, width, _ = fields[m.group(2)]
        if m.group(3) == "mask":
            return ((1 << width) - 1) << pos
        return (int(m.group(4)) << pos) & (((1 << width) - 1) << pos)
    die("cannot evaluate '" + expr + "' in " + NIC_CPP.name + "; teach eval_value()")


def parse_table(text, offsets, ns, consts):
    """offset -> (access, reset, write mask). Recognises the constructor's define() shapes; dies on others."""
    body = text[text.index("Nic82540em::Nic82540em("):text.index("reset_registers();", text.index("Nic82540em::Nic82540em("))]
    table = {}

    def put(off, access, reset, mask):
        table[off] = (access, reset, mask)

    # Loops first (their define() lines are removed from the body afterwards).
    handled = []
    for m in re.finditer(r"for \(uint32_t off : \{([^}]*)\}\)\s*define\(off, Access::(\w+), ([^;]*)\);", body):
        access = m.group(2)
        reset = eval_value(m.group(3), offsets, ns, consts)
        for name in [n.strip() for n in m.group(1).split(",")]:
            if name not in offsets:
                die("unknown register " + name + " in a define() loop")
            put(offsets[name][0], access, reset, 0xFFFFFFFF)
        handled.append(m.span())
    m = re.search(r"for \(uint32_t base : \{([^}]*)\}\) \{(.*?)\n    \}", body, re.S)
    if m:
        bases = [offsets[n.strip()][0] for n in m.group(1).split(",")]
        for d in re.finditer(r"define\(base \+ (0x[0-9A-Fa-f]+), Access::(\w+), ([^,)]+)(?:, ([^)]+))?\);", m.group(2)):
            for b in bases:
                mask = eval_value(d.group(4), offsets, ns, consts) if d.group(4) else 0xFFFFFFFF
                put(b + int(d.group(1), 16), d.group(2), eval_value(d.group(3), offsets, ns, consts), mask)
        handled.append(m.span())
    m = re.search(r"for \(unsigned i = 0; i < kRaEntries; \+\+i\) \{(.*?)\n    \}", body, re.S)
    if not m:
        die("receive-address loop (kRaEntries) not found in " + NIC_CPP.name)
    ra = {}
    for d in re.finditer(r"define\((ral_n|rah_n)\(i\), Access::(\w+), ([^,)]+)(?:, ([^)]+))?\);", m.group(1)):
        mask = eval_value(d.group(4), offsets, ns, consts) if d.group(4) else 0xFFFFFFFF
        ra[d.group(1)] = (d.group(2), eval_value(d.group(3), offsets, ns, consts), mask)
    entries = dict(re.findall(r"constexpr unsigned (k\w+Entries) = (\d+);", read(REGS_H)))
    for i in range(int(entries["kRaEntries"])):
        put(offsets["RAL0"][0] + 8 * i, *ra["ral_n"])
        put(offsets["RAH0"][0] + 8 * i, *ra["rah_n"])
    handled.append(m.span())
    m = re.search(r"for \(unsigned i = 0; i < kMtaEntries; \+\+i\) \{(.*?)\n    \}", body, re.S)
    if not m or "define(mta_n(i), Access::RW, 0);" not in m.group(1) or "define(VFTA + 4 * i, Access::RW, 0);" not in m.group(1):
        die("MTA/VFTA loop not found in the expected shape in " + NIC_CPP.name)
    for i in range(int(entries["kMtaEntries"])):
        put(offsets["MTA"][0] + 4 * i, "RW", 0, 0xFFFFFFFF)
        put(offsets["VFTA"][0] + 4 * i, "RW", 0, 0xFFFFFFFF)
    handled.append(m.span())
    m = re.search(r"for \(uint32_t off = kStatsFirst; off <= kStatsLast; off \+= 4\) \{(.*?)\n    \}", body, re.S)
    if not m:
        die("statistics loop not found in " + NIC_CPP.name)
    skip_expr = m.group(1)
    singles = [int(x, 16) for x in re.findall(r"off == (0x[0-9A-Fa-f]+)", skip_expr)]
    ranges = [(int(a, 16), int(b, 16)) for a, b in re.findall(r"off >= (0x[0-9A-Fa-f]+) && off <= (0x[0-9A-Fa-f]+)", skip_expr)]
    if "define(off, Access::ReadClear, 0);" not in skip_expr:
        die("statistics loop no longer defines ReadClear counters")
    for off in range(offsets["CRCERRS"][0], offsets["TSCTFC"][0] + 4, 4):
        if off in singles or any(a <= off <= b for a, b in ranges):
            continue
        put(off, "ReadClear", 0, 0xFFFFFFFF)
    handled.append(m.span())

    rest = body
    for a, b in sorted(handled, reverse=True):
        rest = rest[:a] + rest[b:]
    for d in re.finditer(r"define\((\w+), Access::(\w+), ([^,;]+?)(?:, ([^;]+))?\);", rest):
        if d.group(1) not in offsets:
            die("unknown register " + d.group(1) + " in define()")
        mask = eval_value(d.group(4), offsets, ns, consts) if d.group(4) else 0xFFFFFFFF
        put(offsets[d.group(1)][0], d.group(2), eval_value(d.group(3), offsets, ns, consts), mask)
    leftover = re.findall(r"define\([^;]*\);", rest)
    known = re.findall(r"define\((\w+), Access::", rest)
    if len(leftover) != len(known):
        die("a define() in " + NIC_CPP.name + " has a shape this script does not know: " + str(leftover))
    return table


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
    "Special": "special",
}

# What the handler of each Special register does (nic_82540em.cpp read_special/write_special/reg()).
SPECIAL = {
    "CTRL": "write: RST (bit 26) runs a software reset and is not stored; PHY_RST holds the PHY in reset while set; "
            "a change of SLU changes the link (LSC); FRCSPD/FRCDPLX make the MAC use SPEED/FD instead of the PHY's",
    "STATUS": "computed on read: LU = PHY link and CTRL.SLU; SPEED and FD as the PHY resolved them (or as forced by "
              "CTRL.FRCSPD/FRCDPLX); PCI66/BUS64 from the bus; writes ignored",
    "EECD": "SK/CS/DI reach the Microwire EEPROM only while EE_REQ is granted (EE_GNT); DO from the EEPROM; "
            "EE_PRES=1, EE_SIZE=0 (64 words); pin writes without the grant are ignored with the note "
            "nicsim/nic/note/eecd-no-grant",
    "EERD": "write with START begins an EEPROM word read, DONE and DATA appear 4 clocks later; a word beyond 0x3F "
            "reads 0xFFFF and raises nicsim/nic/eeprom-address",
    "MDIC": "write starts an MDIO frame to the PHY; R (bit 28) after 25.6 us, with DATA for a read; E (bit 30) "
            "for a read of a PHY address other than 1 or an opcode other than 01b/10b; I (bit 29) raises ICR.MDAC "
            "on completion",
    "ICR": "read returns the causes and clears them (INTA# deasserts); write 1s clear causes",
    "ICS": "write sets causes (as if the event happened); reads 0",
    "IMS": "write sets mask bits; read returns the mask",
    "IMC": "write clears mask bits; reads 0",
    "ITR": "minimum interval between INTA# assertions (0 = no throttling)",
    "TIDV": "FPD (bit 31) flushes the partial TX write-back and is not stored",
    "TADV": "",
    "RDTR": "FPD (bit 31) flushes the partial RX write-back and is not stored",
    "RADV": "",
}


def render_registers(offsets, table):
    by_off = {}
    for name, (off, comment) in offsets.items():
        by_off.setdefault(off, (name, comment))
    lines = ["| Offset | Name | Access | Reset | Write mask | What |", "|---|---|---|---|---|---|"]
    stats = []
    for off in sorted(table):
        access, reset, mask = table[off]
        if access == "ReadClear" and off >= offsets["CRCERRS"][0] and off <= offsets["TSCTFC"][0]:
            stats.append(off)
            continue
        if offsets["MTA"][0] < off < offsets["MTA"][0] + 0x200 or offsets["VFTA"][0] < off < offsets["VFTA"][0] + 0x200:
            continue  # shown as one row per array
        ra_first = offsets["RAL0"][0]
        if ra_first + 8 <= off < ra_first + 0x80:
            continue  # shown as one row per array
        name, comment = by_off.get(off, ("?", ""))
        if name == "?":
            die("register at 0x%04X has no name in %s" % (off, REGS_H.name))
        shown_name = name
        if name == "MTA":
            shown_name, comment = "MTA[0..127]", comment + " (0x5200..0x53FC)"
        elif name == "VFTA":
            shown_name, comment = "VFTA[0..127]", comment + " (0x5600..0x57FC)"
        elif name == "RAL0":
            shown_name, comment = "RAL[n]", "Receive Address Low n = 0..15 (0x5400 + 8n); RAL0 from the EEPROM MAC"
        elif name == "RAH0":
            shown_name, comment = "RAH[n]", "Receive Address High n = 0..15 (0x5404 + 8n); RAH0 = MAC bytes 5:4, AV=1 after reset"
        if access == "Special":
            if name not in SPECIAL:
                die("special register " + name + " has no description in SPECIAL")
            if SPECIAL[name]:
                comment = comment + ": " + SPECIAL[name]
        reset_text = hex32(reset)
        if name in ("RAL0", "RAH0"):
            reset_text = "entry 0 from EEPROM, others 0"
        mask_text = "" if mask == 0xFFFFFFFF else hex32(mask)
        lines.append("| 0x%04X | %s | %s | %s | %s | %s |" % (off, shown_name, ACCESS_TEXT[access], reset_text,
                                                             mask_text, comment))
    stat_lines = ["| Offset | Name | What |", "|---|---|---|"]
    for off in stats:
        name, comment = by_off.get(off, ("?", ""))
        if name == "?":
            die("statistics register at 0x%04X has no name" % off)
        stat_lines.append("| 0x%04X | %s | %s |" % (off, name, comment))
    return "\n".join(lines), "\n".join(stat_lines)


NS_REGS = [
    ("ctrl", "CTRL (0x0000)"),
    ("status", "STATUS (0x0008)"),
    ("eecd", "EECD (0x0010)"),
    ("eerd", "EERD (0x0014)"),
    ("mdic", "MDIC (0x0020)"),
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
    table = parse_table(read(NIC_CPP), offsets, ns, consts)
    # Every named register of e1000_regs.h should be implemented (or deliberately not).
    missing = sorted(n for n, (off, _) in offsets.items()
                     if off not in table and n not in ("IOADDR", "IODATA", "kBar0Size", "kBar2Size", "kStatsFirst",
                                                       "kStatsLast"))
    regs, stats = render_registers(offsets, table)
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
        print("docs/register-map.md is up to date (%d registers, %d statistics counters)" %
              (len(table) - len([o for o in table if table[o][0] == "ReadClear"]),
               len([o for o in table if table[o][0] == "ReadClear"])))
        return 0
    DOC.write_text(new, encoding="utf-8")
    print("docs/register-map.md: %d register offsets in the table, generated blocks rewritten" % len(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
