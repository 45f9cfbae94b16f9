"""Rasterise the favicon (static/yingshang/favicon.svg's shapes) into favicon.ico (16/32/48 px)
and apple-touch-icon.png without an imaging library: run `python scripts/make_favicon.py`."""

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "yingshang" / "static" / "yingshang"
RED = (0xB7, 0x1C, 0x1C)
WHITE = (255, 255, 255)


def _inside_rounded(x, y, r=6.0, size=32.0):
    cx = min(max(x, r), size - r)
    cy = min(max(y, r), size - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _white(x, y):
    if 4.5 <= y <= 11 and abs(x - 16) <= (y - 4.5) / 6.5 * 11.5:
        return True  # the roof
    if 13 <= y <= 23 and any(c <= x <= c + 3 for c in (7, 14.5, 22)):
        return True  # three columns
    return 5 <= x <= 27 and 24.5 <= y <= 27.5  # the base


def _pixels(size: int, samples: int = 4):
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            bg = fg = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 32 / size
                    y = (py + (sy + 0.5) / samples) * 32 / size
                    if _inside_rounded(x, y):
                        bg += 1
                        fg += _white(x, y)
            n = samples * samples
            alpha = round(255 * bg / n)
            mix = fg / bg if bg else 0
            row += bytes(
                round(r * (1 - mix) + w * mix) for r, w in zip(RED, WHITE, strict=True)
            ) + bytes([alpha])
        rows.append(bytes(row))
    return rows


def png(size: int) -> bytes:
    raw = b"".join(b"\x00" + row for row in _pixels(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes=(16, 32, 48)) -> bytes:
    images = [png(s) for s in sizes]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for s, data in zip(sizes, images, strict=True):
        out += struct.pack("<BBBBHHII", s % 256, s % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(images)


if __name__ == "__main__":
    (OUT / "favicon.ico").write_bytes(ico())
    (OUT / "apple-touch-icon.png").write_bytes(png(180))
