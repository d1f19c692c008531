"""The 1x1 GIF every benchmarked server answers with (the same bytes as django-pageviews')."""

PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
