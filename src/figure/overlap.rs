//! Test support: do any two labels of a picture overlap? Each text's box is estimated from its
//! font size (10, 12 or 15 units for `small`, plain and `big`, as the SVG styles set them) and
//! an average glyph width; two boxes that share more than a sliver are reported. The estimate
//! is rough (proportional fonts), so it is slightly generous to touching labels and strict on
//! labels drawn on top of one another, which is what a reader sees as garbled text.
use super::{Anchor, Item, Scene};

/// A text's box: left, right, top, bottom.
#[derive(Clone, Copy, Debug)]
struct TextBox {
    l: f32,
    r: f32,
    t: f32,
    b: f32,
}

fn text_box(x: f32, y: f32, text: &str, class: &str, anchor: Anchor) -> TextBox {
    let (size, per) = if class.contains("big") {
        (15.0, 8.2)
    } else if class.contains("small") {
        (10.0, 5.4)
    } else {
        (12.0, 6.5)
    };
    let per = if class.contains("bold") {
        per * 1.06
    } else {
        per
    };
    let len = text.chars().count() as f32 * per;
    let (l, r) = match anchor {
        Anchor::Start => (x, x + len),
        Anchor::Middle => (x - len / 2.0, x + len / 2.0),
        Anchor::End => (x - len, x),
    };
    // Cap height above the baseline, descenders below.
    TextBox {
        l,
        r,
        t: y - 0.72 * size,
        b: y + 0.18 * size,
    }
}

fn collect(items: &[Item], out: &mut Vec<(String, TextBox)>) {
    for i in items {
        match i {
            Item::Text {
                x,
                y,
                text,
                class,
                anchor,
            } if !text.trim().is_empty() => {
                out.push((text.clone(), text_box(*x, *y, text, class, *anchor)));
            }
            Item::Group { items, .. } => collect(items, out),
            _ => {}
        }
    }
}

/// Every pair of labels of `sc` whose boxes overlap by more than 1.5 units both ways.
pub(crate) fn overlapping_texts(sc: &Scene) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    collect(&sc.items, &mut texts);
    let mut out = Vec::new();
    for (i, (a, ba)) in texts.iter().enumerate() {
        for (b, bb) in &texts[i + 1..] {
            let dx = ba.r.min(bb.r) - ba.l.max(bb.l);
            let dy = ba.b.min(bb.b) - ba.t.max(bb.t);
            if dx > 1.5 && dy > 1.5 {
                out.push((a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Every label of `sc` that runs past its edges.
pub(crate) fn texts_outside(sc: &Scene) -> Vec<String> {
    let mut texts = Vec::new();
    collect(&sc.items, &mut texts);
    texts
        .into_iter()
        .filter(|(_, b)| b.l < -1.0 || b.r > sc.width + 1.0 || b.t < -1.0 || b.b - 2.0 > sc.height)
        .map(|(text, b)| format!("{text:?} at {}..{} x {}..{}", b.l, b.r, b.t, b.b))
        .collect()
}

/// Panic if any label of `sc` runs past its edges.
pub(crate) fn assert_texts_fit(sc: &Scene) {
    let out = texts_outside(sc);
    assert!(
        out.is_empty(),
        "outside the {}x{} picture: {out:?}",
        sc.width,
        sc.height
    );
}

/// Panic, naming the picture and the first few clashes, if any labels of `sc` overlap.
pub(crate) fn assert_no_overlaps(what: &str, sc: &Scene) {
    let o = overlapping_texts(sc);
    assert!(
        o.is_empty(),
        "{what}: {} overlapping label pair(s), e.g. {:?}",
        o.len(),
        &o[..o.len().min(6)]
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::text;

    #[test]
    fn labels_on_top_of_each_other_are_found_and_neighbours_are_not() {
        let scene = |others: &[(f32, f32, &str)]| {
            let mut sc = Scene::new(300.0, 100.0, "t");
            sc.push(text(
                10.0,
                20.0,
                "load and goodput",
                "small bold",
                Anchor::Start,
            ));
            for &(x, y, s) in others {
                sc.push(text(x, y, s, "small muted", Anchor::Start));
            }
            overlapping_texts(&sc).len()
        };
        assert_eq!(scene(&[(90.0, 20.0, "offered")]), 1);
        assert_eq!(
            scene(&[(10.0, 33.0, "offered"), (200.0, 20.0, "goodput")]),
            0
        );
    }
}

/// Every built-in scenario file's picture, at five moments and at a phone's, a tablet's and a
/// laptop's column width (and the wide export layout): no two labels on top of each other, and
/// no picture wider than the room it was laid out for.
#[cfg(test)]
mod sweep {
    use super::{overlapping_texts, texts_outside};
    use crate::figure::export::Figure;
    use crate::scenario::Scenario;

    #[test]
    fn no_figure_draws_labels_on_top_of_each_other() {
        // The course authors' examples, and extreme values the format accepts (tests/scenarios/
        // edge: 1 ms select timeouts over 10 min, 40-character query names, a surge that ends
        // with the run, empty runs, a 1 TiB memory limit, ...).
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = Vec::new();
        for (dir, at_least) in [("scenarios", 11), ("tests/scenarios/edge", 30)] {
            let mut found: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
                .unwrap_or_else(|e| panic!("{dir}: {e}"))
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            assert!(found.len() >= at_least, "{dir}: {found:?}");
            found.sort();
            files.extend(found);
        }
        let mut failures = Vec::new();
        for f in &files {
            let s = Scenario::from_toml(&std::fs::read_to_string(f).expect("read"))
                .unwrap_or_else(|e| panic!("{f:?}: {e}"));
            let fig = Figure::new(&s).unwrap_or_else(|e| panic!("{f:?}: {e}"));
            let name = f.file_stem().unwrap().to_string_lossy();
            for k in 0..=4u64 {
                let t = fig.end() * k / 4;
                let export = fig.scene(t);
                // A picture is a few hundred px: its SVG stays small whatever the run (10 min of
                // 1 ms select() calls was 8 MB of sub-pixel ticks).
                let bytes = export.to_svg().len();
                if bytes > 300_000 {
                    failures.push(format!("{name} at {t} us: a {bytes}-byte SVG"));
                }
                let mut scenes = vec![("export".to_string(), export)];
                for px in [343.0, 480.0, 600.0, 700.0, 760.0] {
                    let sc = fig.scene_for_width(t, px);
                    // The layout chosen for this much room fits it at 1:1 or more, so its labels
                    // are drawn at 10 px or more (at 343 the phone layouts are 340..370 wide:
                    // the page gives them 352 px at 375, see the stylesheet's phone rules).
                    if px >= 480.0 && sc.width > px {
                        failures.push(format!("{name} at {px} px: a {} wide picture", sc.width));
                    }
                    scenes.push((format!("{px} px"), sc));
                }
                for (how, sc) in scenes {
                    let o = overlapping_texts(&sc);
                    if !o.is_empty() {
                        failures.push(format!("{name} at {t} us, {how}: {o:?}"));
                    }
                    let out = texts_outside(&sc);
                    if !out.is_empty() {
                        failures.push(format!("{name} at {t} us, {how}: outside {out:?}"));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// The frameworks picture in every state the page offers (either tab in focus, the blocking
/// handler on or off, wide and narrow): no labels on top of each other.
#[cfg(test)]
mod frameworks {
    use super::overlapping_texts;
    use crate::figure::load::{frameworks_scene, Budget, LoadSeries, Side};
    use crate::scenario::programs::load::{event_loop_server, thread_per_request, LoadParams};

    #[test]
    fn every_tab_and_handler_keeps_its_labels_apart() {
        let mut failures = Vec::new();
        for blocking in [false, true] {
            let p = LoadParams {
                blocking_handler: blocking,
                ..LoadParams::default()
            };
            let (pool, evloop) = (
                LoadSeries::from_trace(&thread_per_request(&p)),
                LoadSeries::from_trace(&event_loop_server(&p)),
            );
            let end = pool.end.max(evloop.end);
            for focus in [Side::Threads, Side::Loop] {
                for narrow in [false, true] {
                    for k in 0..=4 {
                        let t = end * k / 4;
                        let sc = frameworks_scene(
                            &pool,
                            &evloop,
                            &Budget::of(&p),
                            focus,
                            blocking,
                            t,
                            narrow,
                        );
                        let o = overlapping_texts(&sc);
                        if !o.is_empty() {
                            failures.push(format!(
                                "blocking {blocking}, {focus:?}, narrow {narrow}, t {t}: {o:?}"
                            ));
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// Chapter 3's readiness picture over its whole run, every 100 ms.
#[cfg(test)]
mod readiness {
    use super::{assert_texts_fit, overlapping_texts};
    use crate::figure::ports::SideRun;
    use crate::figure::readiness::{layout, layout_for, NARROW_W};
    use crate::figure::{Item, Scene};

    use crate::scenario::programs::ports::{readiness_script, run_select};
    use crate::sim::MS;

    fn collect_texts(items: &[Item], below: f32, out: &mut Vec<String>) {
        for it in items {
            match it {
                Item::Text { y, text, .. } if *y < below => out.push(text.clone()),
                Item::Group { items, .. } => collect_texts(items, below, out),
                _ => {}
            }
        }
    }

    #[test]
    fn the_readiness_picture_keeps_its_labels_apart() {
        let tr = run_select(&readiness_script());
        let run = SideRun::from_trace(&tr);
        let mut t = 0;
        while t <= tr.end {
            let wide = layout(&run, t);
            let o = overlapping_texts(&wide);
            assert!(o.is_empty(), "at {t} us: {o:?}");
            // A phone's picture stacks the same labels in 340 units: apart, and inside it.
            let narrow = layout_for(&run, t, 375.0);
            assert_eq!(narrow.width, NARROW_W);
            let o = overlapping_texts(&narrow);
            assert!(o.is_empty(), "narrow, at {t} us: {o:?}");
            assert_texts_fit(&narrow);
            assert_texts_fit(&wide);
            // The same facts above the time axis (whose ticks differ with its length).
            let above = |sc: &Scene, axis_y: f32| {
                let mut v: Vec<String> = Vec::new();
                collect_texts(&sc.items, axis_y, &mut v);
                v.sort();
                v
            };
            let (a, b) = (above(&wide, 150.0), above(&narrow, 424.0));
            assert_eq!(a, b, "at {t} us");
            t += 100 * MS;
        }
    }
}
