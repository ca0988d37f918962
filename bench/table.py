"""The printed report: machine, load, then one table section per group with its reference."""

from __future__ import annotations

from collections.abc import Sequence

from bench.measure import Row, Sample


def num(x: float) -> str:
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _spread(s: Sample) -> str:
    return num(s.median) if s.min == s.max else f"{num(s.median)} [{num(s.min)}-{num(s.max)}]"


def _cells(row: Row) -> list[str]:
    met = {True: "yes", False: "NO", None: ""}[row.met]
    return [row.measure, row.unit, num(row.value.median), num(row.value.min), num(row.value.max),
            _spread(row.reference) if row.reference else "",
            f"{row.ratio:.3g}" if row.ratio is not None else "", str(row.target or ""), met]


HEADER = ["measure", "unit", "median", "min", "max", "reference median [min-max]", "ratio", "target", "met"]
RIGHT = {2, 3, 4, 5, 6}


def format_table(rows: Sequence[Row]) -> str:
    cells = [HEADER] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]

    def line(c: list[str]) -> str:
        return "  ".join(v.rjust(w) if i in RIGHT else v.ljust(w)
                         for i, (v, w) in enumerate(zip(c, widths))).rstrip()

    out, section = [line(HEADER)], None
    for row, c in zip(rows, cells[1:]):
        if row.section != section:
            section = row.section
            title, _, reference = section.partition(" | ")
            out += ["", title] + ([f"  {reference}"] if reference else [])
        out.append(line(c))
    return "\n".join(out)


def format_report(report: dict, rows: Sequence[Row]) -> str:
    m = report["machine"]
    judged = [r.met for r in rows if r.met is not None]
    lines = [
        (f"rfp-classifier benchmark: {report['mode']} run, {report['repeats']} repeat(s) per row, "
         f"{report['started']}, {report['seconds'] / 60:.1f} min, commit {report['commit']}"),
        (f"machine: {m['cpu']}, {m['cpus_usable']} usable CPUs ({m['cpus']} online), "
         f"{m['ram_gib']} GiB RAM, {m['os']}, Python {m['python']}"),
        "libraries: " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items()),
        "load average (1/5/15 min): before " + " ".join(map(str, report["load_before"]))
        + ", after " + " ".join(map(str, report["load_after"])),
        "",
        format_table(rows),
        "",
        ("median, min, max over the repeats; ratio = median / reference median (measured in the same "
         "repeats); met is judged on the median."),
        f"targets met: {sum(judged)} of {len(judged)}",
    ]
    return "\n".join(lines)
