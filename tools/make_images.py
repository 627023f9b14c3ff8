"""Draw the workbook's own pictures into static/: a lab flask, as PNG and as JPEG.

The classic tutorial serves a photo of its own (sid.png / sid.jpg); these are ours, drawn from
shapes so anyone can re-create them. Needs Pillow (`pip install pillow`); the outputs are
committed, so the workbook itself does not need it.
"""

from PIL import Image, ImageDraw

from tourapp.chapters.paths import STATIC

SIZE = (240, 180)


def draw():
    """Draw a lab flask with bubbling liquid on a soft background."""
    image = Image.new("RGB", SIZE, (236, 244, 250))
    pen = ImageDraw.Draw(image)
    for y in range(SIZE[1]):  # a vertical gradient for the background
        shade = 250 - y // 6
        pen.line([(0, y), (SIZE[0], y)], fill=(shade - 14, shade - 6, shade))
    glass, liquid = (90, 110, 130), (64, 170, 120)
    pen.polygon([(96, 70), (60, 160), (180, 160), (144, 70)], fill=(226, 236, 242), outline=glass)
    pen.polygon([(84, 110), (64, 156), (176, 156), (156, 110)], fill=liquid)
    pen.rectangle([(104, 24), (136, 72)], fill=(226, 236, 242), outline=glass)
    pen.rectangle([(98, 18), (142, 26)], fill=glass)
    for x, y, r in [(100, 130, 7), (128, 122, 5), (150, 138, 8), (116, 96, 4), (124, 56, 3)]:
        pen.ellipse([(x - r, y - r), (x + r, y + r)], outline=(240, 250, 245), width=2)
    pen.text((12, 10), "Flask Tour", fill=(40, 60, 80))
    return image


def main():
    image = draw()
    image.save(STATIC / "sid.png", optimize=True)
    image.save(STATIC / "sid.jpg", quality=85)
    print("wrote", STATIC / "sid.png", STATIC / "sid.jpg")


if __name__ == "__main__":
    main()
