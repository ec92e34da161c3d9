//! A small page-layout engine over `printpdf`: wrapped paragraphs and tables on A4, with
//! page breaks, in an embedded Unicode font so that every character stays selectable
//! and searchable.

use image::RgbImage;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rgb, TextItem,
    XObjectTransform,
};

static REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

const MARGIN: f32 = 15.0;
const PT_TO_MM: f32 = 0.352_778;

/// Portrait for prose, landscape for the wide summary table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

struct Face {
    id: FontId,
    parsed: ParsedFont,
}

pub(crate) struct Layout {
    doc: PdfDocument,
    regular: Face,
    bold: Face,
    pages: Vec<(Orientation, Vec<Op>)>,
    ops: Vec<Op>,
    orientation: Orientation,
    /// Distance of the next line's top from the page's top edge, in mm.
    y: f32,
    footer: String,
}

fn grey() -> Color {
    Color::Rgb(Rgb {
        r: 0.35,
        g: 0.35,
        b: 0.35,
        icc_profile: None,
    })
}

fn black() -> Color {
    Color::Rgb(Rgb {
        r: 0.0,
        g: 0.0,
        b: 0.0,
        icc_profile: None,
    })
}

/// Why a PDF could not be made. Its fonts are built in, so this is a defect, not input.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font does not parse")]
    Font,
}

impl Layout {
    /// # Errors
    /// Only if the embedded fonts do not parse, which the tests would show.
    pub(crate) fn new(title: &str, footer: String) -> Result<Self, PdfError> {
        let mut doc = PdfDocument::new(title);
        let mut face = |bytes: &[u8]| -> Result<Face, PdfError> {
            let parsed = ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).ok_or(PdfError::Font)?;
            Ok(Face {
                id: doc.add_font(&parsed),
                parsed,
            })
        };
        let regular = face(REGULAR)?;
        let bold = face(BOLD)?;
        Ok(Self {
            doc,
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            orientation: Orientation::Portrait,
            y: MARGIN,
            footer,
        })
    }

    /// The document's own creation date (otherwise 1970): when the pack was made.
    pub(crate) fn dated(&mut self, unix: i64) {
        if let Ok(at) = printpdf::OffsetDateTime::from_unix_timestamp(unix) {
            let info = &mut self.doc.metadata.info;
            info.creation_date = at;
            info.modification_date = at;
            info.metadata_date = at;
            info.creator = "Boundary".to_owned();
            info.producer = "Boundary".to_owned();
        }
    }

    fn size(&self) -> (f32, f32) {
        match self.orientation {
            Orientation::Portrait => (210.0, 297.0),
            Orientation::Landscape => (297.0, 210.0),
        }
    }

    pub(crate) fn width(&self) -> f32 {
        self.size().0 - 2.0 * MARGIN
    }

    /// The width of `text` in mm at `size` points.
    fn measure(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.bold } else { &self.regular };
        let upem = f32::from(face.parsed.pdf_font_metrics.units_per_em.max(1));
        let units: u32 = text
            .chars()
            .map(|c| {
                face.parsed
                    .lookup_glyph_index(u32::from(c))
                    .and_then(|g| face.parsed.get_glyph_width(g))
                    .map_or(600, u32::from)
            })
            .sum();
        units as f32 / upem * size * PT_TO_MM
    }

    /// Breaks `text` into lines no wider than `width` mm; a word longer than a line is
    /// broken between characters. Characters that show nothing are shown ([`shown`]).
    pub(crate) fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in shown(text).split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.measure(&candidate, size, bold) <= width {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                for c in word.chars() {
                    line.push(c);
                    if self.measure(&line, size, bold) > width {
                        line.pop();
                        lines.push(std::mem::take(&mut line));
                        line.push(c);
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

    fn line_height(size: f32) -> f32 {
        size * PT_TO_MM * 1.3
    }

    fn put(&mut self, x: f32, baseline_from_top: f32, text: &str, size: f32, bold: bool) {
        let h = self.size().1;
        let face = if bold { &self.bold } else { &self.regular };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(face.id.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(h - baseline_from_top)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(shown(text).into_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Starts a new page, closing the current one (if it has anything on it).
    pub(crate) fn new_page(&mut self, orientation: Orientation) {
        if !self.ops.is_empty() {
            let ops = std::mem::take(&mut self.ops);
            self.pages.push((self.orientation, ops));
        }
        self.orientation = orientation;
        self.y = MARGIN;
    }

    /// Makes room for `height` mm, on a new page if this one has not got it.
    pub(crate) fn room(&mut self, height: f32) {
        if self.y + height > self.size().1 - MARGIN - 8.0 {
            self.new_page(self.orientation);
        }
    }

    /// A wrapped paragraph across the page's width.
    pub(crate) fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let width = self.width();
        let lh = Self::line_height(size);
        for line in self.wrap(text, size, bold, width) {
            self.room(lh);
            self.y += lh;
            self.put(MARGIN, self.y - lh * 0.25, &line, size, bold);
        }
        self.y += lh * 0.4;
    }

    pub(crate) fn heading(&mut self, text: &str, size: f32) {
        self.room(Self::line_height(size) * 3.0);
        self.y += Self::line_height(size) * 0.4;
        self.paragraph(text, size, true);
    }

    pub(crate) fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    fn rule(&mut self, y: f32, x0: f32, x1: f32) {
        let h = self.size().1;
        self.ops.extend([
            Op::SetOutlineColor { col: grey() },
            Op::SetOutlineThickness { pt: Pt(0.4) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point::new(Mm(x0), Mm(h - y)),
                            bezier: false,
                        },
                        LinePoint {
                            p: Point::new(Mm(x1), Mm(h - y)),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A table whose columns have the given widths (mm, summing to at most the page's
    /// width); the header row is repeated on each page the table runs onto.
    pub(crate) fn table(
        &mut self,
        widths: &[f32],
        header: &[&str],
        rows: &[Vec<String>],
        size: f32,
    ) {
        let lh = Self::line_height(size);
        let pad = 1.2;
        let cells = |me: &Self, row: &[String], bold: bool| -> Vec<Vec<String>> {
            row.iter()
                .zip(widths)
                .map(|(text, w)| me.wrap(text, size, bold, w - 2.0 * pad))
                .collect()
        };
        let header: Vec<String> = header.iter().map(|s| (*s).to_owned()).collect();
        let head = cells(self, &header, true);
        let draw = |me: &mut Self, wrapped: &[Vec<String>], bold: bool| {
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + pad;
            let top = me.y;
            let mut x = MARGIN;
            for (lines, w) in wrapped.iter().zip(widths) {
                for (i, line) in lines.iter().enumerate() {
                    me.put(
                        x + pad,
                        top + (i as f32 + 1.0) * lh - lh * 0.25,
                        line,
                        size,
                        bold,
                    );
                }
                x += w;
            }
            me.y = top + height;
            let right = MARGIN + widths.iter().sum::<f32>();
            me.rule(me.y, MARGIN, right);
        };
        // A table of labels and values has no header row.
        let has_head = header.iter().any(|h| !h.is_empty());
        let head_height = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + pad;
        self.room(head_height + lh * 2.0);
        if has_head {
            draw(self, &head, true);
        } else {
            let right = MARGIN + widths.iter().sum::<f32>();
            self.rule(self.y, MARGIN, right);
        }
        let bottom = self.size().1 - MARGIN - 8.0;
        for row in rows {
            let mut wrapped = cells(self, row, false);
            // A row taller than what is left of the page goes on over the next pages,
            // line by line, so that nothing is cut.
            loop {
                let needed = wrapped.iter().map(Vec::len).max().unwrap_or(1);
                let room = ((bottom - self.y - pad) / lh).floor().max(0.0) as usize;
                if needed <= room {
                    draw(self, &wrapped, false);
                    break;
                }
                if room >= 3 {
                    let (now, later): (Vec<_>, Vec<_>) = wrapped
                        .into_iter()
                        .map(|mut lines| {
                            let rest = lines.split_off(lines.len().min(room));
                            (lines, rest)
                        })
                        .unzip();
                    draw(self, &now, false);
                    wrapped = later;
                }
                self.new_page(self.orientation);
                if has_head {
                    draw(self, &head, true);
                }
            }
        }
        self.y += lh;
    }

    /// A picture across at most three quarters of the page's width and 100 mm of its
    /// height, keeping its shape, with a caption under it.
    pub(crate) fn picture(&mut self, picture: RgbImage, caption: &str) {
        #[allow(clippy::cast_precision_loss)] // pictures are at most a few thousand pixels
        let (px_w, px_h) = (picture.width() as f32, picture.height() as f32);
        if px_w < 1.0 || px_h < 1.0 {
            return;
        }
        let scale = (self.width() * 0.75 / px_w).min(100.0 / px_h);
        let (w, h) = (px_w * scale, px_h * scale);
        self.room(h + Self::line_height(8.0) * 2.0);
        let id = self.doc.add_image(&RawImage {
            width: picture.width() as usize,
            height: picture.height() as usize,
            pixels: RawImageData::U8(picture.into_raw()),
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        });
        let page_h = self.size().1;
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(MARGIN).into_pt()),
                translate_y: Some(Mm(page_h - self.y - h).into_pt()),
                // So many pixels per inch that the picture is `w` mm wide.
                dpi: Some(px_w / (w / 25.4)),
                ..XObjectTransform::default()
            },
        });
        self.y += h + 1.5;
        self.paragraph(caption, 8.0, false);
    }

    /// The finished PDF, each page footed with the footer and "page n of N".
    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.new_page(Orientation::Portrait);
        let total = self.pages.len();
        let mut pages = Vec::with_capacity(total);
        for (i, (orientation, mut ops)) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            self.orientation = orientation;
            let (w, h) = self.size();
            let footer = format!("{} · page {} of {total}", self.footer, i + 1);
            self.ops = vec![Op::SetFillColor { col: grey() }];
            self.put(MARGIN, h - MARGIN + 2.0, &footer, 7.5, false);
            self.ops.push(Op::SetFillColor { col: black() });
            ops.extend(std::mem::take(&mut self.ops));
            pages.push(PdfPage::new(Mm(w), Mm(h), ops));
        }
        self.doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// `text` with each character that shows nothing, or changes the order text reads in (a
/// right-to-left override, U+202E, say), written out as `[U+202E]`: a reader of the pack
/// sees that the message held it, and text copied out of the PDF cannot turn around in
/// the document it is pasted into. Line breaks stay line breaks; a tab is a space.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    use boundary_domain::text::is_hidden;
    if !text.chars().any(|c| c != '\n' && is_hidden(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\r' => {}
            c if is_hidden(c) => out.push_str(&format!("[U+{:04X}]", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}
