"""Ledger files for tests: a header and rows, encoded as a community worker's Excel would."""

HEADER = (
    "类型", "场馆", "功能室", "电话", "日期", "开始时间", "结束时间", "状态", "签到时间",
    "人数", "用途", "金额", "评分", "留言",
)  # fmt: skip


def ledger(*rows, header=HEADER, encoding="utf-8") -> bytes:
    """CSV bytes; each row is a dict of header -> value (missing cells empty)."""
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(str(row.get(h, "")) for h in header))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def booking(**cells):
    return {
        "类型": "预约",
        "场馆": "五福茶馆",
        "功能室": "议事茶亭",
        "电话": "13900000001",
        "日期": "2026-11-10",
        "开始时间": "10:00",
        "结束时间": "11:00",
        "状态": "已完成",
        "人数": "3",
        "用途": "品茶议事",
        **cells,
    }


def checkin(**cells):
    return {"类型": "签到", "场馆": "五福茶馆", "电话": "13900000001", "日期": "2026-11-11",
            "签到时间": "15:20", **cells}  # fmt: skip


def headcount(**cells):
    return {"类型": "到场人数", "场馆": "五福茶馆", "日期": "2026-11-11", "签到时间": "16:00",
            "人数": "25", **cells}  # fmt: skip


def rating(**cells):
    return {"类型": "评价", "场馆": "五福茶馆", "电话": "13900000001", "日期": "2026-11-10",
            "评分": "5", "留言": "茶很好", **cells}  # fmt: skip
