"""Pages of 好差评, by capability: `public` (the one-click rating pages and the window pad),
`ratings` (the staff list, a rating's page, settings, QR sheet), `loop` (rectifications and
appeals), `stats` (statistics and the public page), `schemes` (the rating content)."""
