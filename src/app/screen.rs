//! Which arrangement the window gets, from its size and whether it is a touch screen: the
//! views beside a fixed panel on a wide screen, beside a panel that folds away on a landscape
//! phone or tablet, and stacked, with the controls in a drawer, on a portrait phone or tablet;
//! and the controls' size, for fingers on a touch screen.

use egui::Vec2;

/// The arrangement of panels and views for a window size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Desktop and projector: the controls beside the views, as the app has always been.
    Wide,
    /// Landscape phone or tablet: the views beside a panel that folds away.
    Compact,
    /// Portrait phone or tablet: position space on top at full width, the other views one tab
    /// away below it, the controls in a drawer that opens over them.
    Stacked,
}

/// Narrower than this (in points), a landscape touch screen is [`Screen::Compact`].
pub const TOUCH_WIDE_FROM: f32 = 1100.0;

/// Narrower than this, a window driven by a mouse is not [`Screen::Wide`] either (a desktop
/// window keeps today's arrangement down to here).
pub const MOUSE_WIDE_FROM: f32 = 700.0;

/// The smallest tap target on a touch screen, in points (Apple's and Google's guidance: 44
/// CSS pixels).
pub const TAP_TARGET: f32 = 44.0;

impl Screen {
    /// The arrangement for a window of `size` points, on a touch screen or not (the browser
    /// entry says which; a desktop window is not).
    pub fn of(size: Vec2, touch: bool) -> Self {
        let wide_from = if touch {
            TOUCH_WIDE_FROM
        } else {
            MOUSE_WIDE_FROM
        };
        if size.x < size.y && size.x < wide_from {
            Self::Stacked
        } else if size.x < wide_from {
            Self::Compact
        } else {
            Self::Wide
        }
    }

    /// Whether the controls panel starts open on a window of `size` points.
    pub fn panel_starts_open(self, size: Vec2) -> bool {
        match self {
            Self::Wide => true,
            // A landscape tablet has room for both; a landscape phone shows the views first.
            Self::Compact => size.x >= 1000.0 && size.y >= 600.0,
            Self::Stacked => false,
        }
    }
}

/// Sizes `style`'s controls for fingers: 44-point tap targets, larger check boxes and slider
/// rails. (A desktop keeps the app's own, denser sizes.)
pub fn apply_touch_spacing(style: &mut egui::Style) {
    style.spacing.interact_size.y = TAP_TARGET;
    style.spacing.button_padding = egui::vec2(10.0, 6.0);
    style.spacing.icon_width = 22.0;
    style.spacing.icon_width_inner = 12.0;
    style.spacing.slider_rail_height = 10.0;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The five sizes a class meets on touch screens: phone portrait and landscape, tablet
    /// portrait and landscape, a laptop; a desktop window keeps today's arrangement down to
    /// 700 points.
    #[test]
    fn each_screen_gets_its_arrangement() {
        let of = |x: f32, y: f32, touch: bool| Screen::of(egui::vec2(x, y), touch);
        assert_eq!(of(390.0, 844.0, true), Screen::Stacked);
        assert_eq!(of(768.0, 1024.0, true), Screen::Stacked);
        assert_eq!(of(844.0, 390.0, true), Screen::Compact);
        assert_eq!(of(1024.0, 768.0, true), Screen::Compact);
        assert_eq!(of(1280.0, 800.0, true), Screen::Wide);
        assert_eq!(of(960.0, 600.0, false), Screen::Wide);
        assert_eq!(of(800.0, 900.0, false), Screen::Wide);
        assert_eq!(of(600.0, 400.0, false), Screen::Compact);
        assert_eq!(of(390.0, 844.0, false), Screen::Stacked);
        assert!(Screen::Compact.panel_starts_open(egui::vec2(1024.0, 768.0)));
        assert!(!Screen::Compact.panel_starts_open(egui::vec2(844.0, 390.0)));
        let mut style = egui::Style::default();
        apply_touch_spacing(&mut style);
        assert_eq!(style.spacing.interact_size.y, TAP_TARGET);
    }
}
