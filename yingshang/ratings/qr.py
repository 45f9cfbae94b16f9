"""QR codes as PNG without Pillow: the `qrcode` package computes the module matrix and this
writes a 1-bit greyscale PNG with zlib (the image libraries are not a dependency; intranets
have no CDN, so the image is made here and served locally)."""

import struct
import zlib

import qrcode


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(text: str, *, scale: int = 8, border: int = 2) -> bytes:
    qr = qrcode.QRCode(border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # includes the border; True = dark module
    size = len(matrix) * scale
    rows = []
    for line in matrix:
        bits = []
        for dark in line:
            bits.extend([0 if dark else 1] * scale)  # 1-bit greyscale: 0 black, 1 white
        packed = bytearray()
        for i in range(0, size, 8):
            byte = 0
            for j, bit in enumerate(bits[i : i + 8]):
                byte |= bit << (7 - j)
            packed.append(byte)
        row = b"\x00" + bytes(packed)  # filter type 0
        rows.extend([row] * scale)
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
