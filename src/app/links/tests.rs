use super::*;
use crate::store::Direction;

fn edge(link: u64, label: &str, dir: Direction, other: u64) -> Edge {
    Edge {
        link: Id::new(Kind::Link, link),
        label: label.into(),
        dir,
        other: Id::new(Kind::Entity, other),
        confidence: None,
        when: None,
        source: None,
        auto: false,
    }
}

fn state(n: usize) -> LinksState {
    let mut s = LinksState {
        centre: Some(Id::new(Kind::Entity, 1)),
        ..LinksState::default()
    };
    s.edges = (0..n as u64)
        .map(|i| edge(i + 1, "uses", Direction::Out, i + 2))
        .collect();
    s.edges.push(edge(99, "mentions", Direction::In, 99));
    s.groups = vec![
        Group {
            label: "uses".into(),
            dir: Direction::Out,
            count: n,
        },
        Group {
            label: "mentions".into(),
            dir: Direction::In,
            count: 1,
        },
    ];
    s.rebuild();
    s.cursor.selected = 1;
    s
}

#[test]
fn headings_show_direction_and_count() {
    let s = state(3);
    assert_eq!(s.groups[0].heading(), "uses → (3)");
    assert_eq!(s.groups[1].heading(), "← mentions (1)");
    assert_eq!(s.rows.len(), 6);
}

#[test]
fn moves_skip_group_headers() {
    let mut s = state(2);
    s.move_by(1);
    assert_eq!(s.cursor.selected, 2);
    s.move_by(1);
    assert_eq!(s.cursor.selected, 4, "over the mentions header");
    s.move_by(-1);
    assert_eq!(s.cursor.selected, 2);
    s.move_by(-10);
    assert_eq!(s.cursor.selected, 1);
}

#[test]
fn paging_counts_links_not_headers() {
    let mut s = state(40);
    // a list of 12 rows shows 10 of them
    s.scroll_into_view(12);
    assert_eq!(s.page_span(12), (1, 9, 41));
    s.move_by(15);
    s.scroll_into_view(12);
    assert_eq!(s.page_span(12), (7, 16, 41));
    s.move_by(100);
    s.scroll_into_view(12);
    assert_eq!(s.page_span(12), (33, 41, 41));
    // the first link of a group brings its header into view
    s.move_by(-1000);
    s.scroll_into_view(12);
    assert_eq!(s.cursor.offset, 0);
}
