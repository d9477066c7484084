//! The Hypotheses pane (6) driven by key sequences against ratatui's TestBackend at 80x24:
//! the matrix of the Backlog's question, cell edits stored and scored, diagnosticity,
//! sensitivity, collect next, status and likelihood (here and in the Backlog), the
//! expected-but-absent ledger, and a layout that fits.

mod common;
use common::harness::Harness;

use ratatui::style::Modifier;
use weft::app::overlay::Overlay;
use weft::app::Pane;
use weft::model::{Consistency, ExpectationStatus, HypothesisStatus, Id, Record, Yardstick};
use weft::store::{NewLink, NewNote, NewQuestion, Store};

const LONG: &str = "Darren Marsh controls the yard and directs the runners from the cabin by the \
gate, paying them in cash every Friday night after the last collection";

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

fn link(s: &mut Store, from: Id, to: Id, label: &str) {
    s.link(NewLink {
        from,
        to,
        label: label.into(),
        confidence: None,
        source: None,
        when: None,
    })
    .unwrap();
}

fn note(s: &mut Store, text: &str, grade: Option<&str>) -> Id {
    s.add_note(NewNote {
        text: text.into(),
        grade: grade.map(|g| g.parse().unwrap()),
        ..NewNote::default()
    })
    .unwrap()
    .id
}

/// Q1 (priority 1) with H1 (long statement), H2, H3; Q2 with H4. N1 A1P supports H1,
/// N2 B2P and N4 (ungraded, + everywhere: not diagnostic) concern Q1, N3 stands alone.
/// H1 0.56 (raw 1) leads H2 1.00 (1) and H3 1.00 (1); the lead rests on N1.
fn case(s: &mut Store) {
    use Consistency::*;
    let q1 = s
        .add_question(NewQuestion {
            priority: 1,
            ..NewQuestion::new("Who controls the yard?")
        })
        .unwrap()
        .id;
    let q2 = s
        .add_question(NewQuestion::new("Where does the cash go?"))
        .unwrap()
        .id;
    let h1 = s.add_hypothesis(q1, LONG, None).unwrap().id;
    let h2 = s
        .add_hypothesis(q1, "Kyle Renshaw controls the yard", None)
        .unwrap()
        .id;
    let h3 = s
        .add_hypothesis(q1, "A rival group controls the yard", None)
        .unwrap()
        .id;
    s.add_hypothesis(q2, "The cash goes abroad", None).unwrap();
    let n1 = note(s, "Marsh seen at the yard every morning", Some("A1P"));
    let n2 = note(s, "Renshaw's phone at the yard at night", Some("B2P"));
    note(s, "Cash counted in the cabin", Some("C3C"));
    let n4 = note(s, "Dogs bark at night", None);
    link(s, n1, h1, "supports");
    link(s, n2, q1, "concerns");
    link(s, n4, q1, "concerns");
    for (h, n, c) in [
        (h1, n1, VeryConsistent),
        (h2, n1, Inconsistent),
        (h3, n1, Inconsistent),
        (h1, n2, Inconsistent),
        (h2, n2, Consistent),
        (h3, n2, Neutral),
        (h1, n4, Consistent),
        (h2, n4, Consistent),
        (h3, n4, Consistent),
    ] {
        s.assess(h, n, c).unwrap();
    }
}

impl Harness {
    /// The interface on the case, in the Hypotheses pane.
    fn matrix_pane() -> Harness {
        let mut h = Harness::new(case);
        h.press_command("pane.hypotheses");
        h
    }

    fn cell(&self, q: &str, h: &str, n: &str) -> Option<Consistency> {
        let m = self.app.store.matrix(id(q)).unwrap();
        let (c, r) = (m.column_of(id(h)).unwrap(), m.row_of(id(n)).unwrap());
        m.rows[r].cells[c]
    }

    fn hypothesis(&self, h: &str) -> weft::model::Hypothesis {
        match self.app.store.get(id(h)).unwrap() {
            Some(Record::Hypothesis(x)) => x,
            other => panic!("{h}: {other:?}"),
        }
    }

    fn scores_line(&mut self) -> String {
        self.line_with("Ranked (weighted score, raw count)")
    }
}

#[test]
fn opens_on_the_backlogs_question_or_the_selected_hypothesis() {
    let mut h = Harness::new(case);
    // Q1 is first in the Backlog (priority 1)
    h.press_command("pane.hypotheses");
    assert_eq!(h.app.pane, Pane::Hypotheses);
    assert_eq!(h.app.hypotheses.question, Some(id("Q1")));
    let screen = h.screen();
    assert!(screen.contains("Q1 Who controls the yard?"), "{screen}");
    let head = h.line_with("note");
    for col in ["H1", "H2", "H3"] {
        assert!(head.contains(col), "{head}");
    }
    // the Backlog's selection moves to Q2: the pane follows it
    h.press_commands(&["pane.backlog", "list.down", "pane.hypotheses"]);
    assert_eq!(h.app.hypotheses.question, Some(id("Q2")));
    // a hypothesis selected in the Backlog's detail: its question, its column header
    h.press_commands(&[
        "pane.backlog",
        "list.up",
        "list.open",
        "list.down",
        "pane.hypotheses",
    ]);
    assert_eq!(h.app.hypotheses.question, Some(id("Q1")));
    assert!(h.app.hypotheses.header);
    assert_eq!(h.app.selected_record(), Some(id("H2")));
    // the pane's own choice of question stays until the Backlog's selection changes
    h.press_command("hypotheses.question");
    assert!(matches!(h.app.overlay, Some(Overlay::Finder { .. })));
    h.typed("cash go");
    let finder = h.screen();
    assert!(finder.contains("Show the matrix of a question"), "{finder}");
    assert!(
        !finder.contains("N3 "),
        "only questions are offered:\n{finder}"
    );
    h.press("enter");
    assert_eq!(h.app.hypotheses.question, Some(id("Q2")));
    h.press_commands(&["pane.backlog", "pane.hypotheses"]);
    assert_eq!(h.app.hypotheses.question, Some(id("Q2")));
}

#[test]
fn empty_states_say_which_key_comes_next() {
    let mut h = Harness::new(|_| {});
    h.press("6");
    let screen = h.screen();
    assert!(screen.contains("No question chosen"), "{screen}");
    assert!(screen.contains("press o"), "{screen}");
    let mut h = Harness::new(|s| {
        s.add_question(NewQuestion::new("Is violence coming?"))
            .unwrap();
    });
    h.press("6");
    assert!(h
        .screen()
        .contains("Q1 has no hypotheses yet. Press h to add one"));
    h.press("h");
    h.typed("A feud over territory");
    h.press("enter esc");
    let screen = h.screen();
    assert!(
        screen.contains("No evidence yet: a adds a note"),
        "{screen}"
    );
    assert!(screen.contains("H1 · live"), "{screen}");
    // a second one is selected as it arrives, its likelihood asked for
    h.press("h");
    h.typed("A robbery gone wrong");
    h.press("enter 4");
    assert_eq!(h.app.selected_record(), Some(id("H2")));
    assert!(h
        .line_with("H2 · live · realistic possibility")
        .contains("rank"));
}

#[test]
fn a_cell_edit_is_stored_shown_and_moves_the_ranking() {
    let mut h = Harness::matrix_pane();
    let before = h.scores_line();
    assert!(
        before.contains("H1 0.56 (1) · H2 1.00 (1) =2 · H3 1.00 (1)"),
        "{before}"
    );
    // the cursor starts on N1 under H1: make it -- (very inconsistent)
    assert_eq!(h.app.hypotheses.cell(), Some((id("H1"), id("N1"))));
    h.press_command("hypotheses.ii");
    assert_eq!(
        h.cell("Q1", "H1", "N1"),
        Some(Consistency::VeryInconsistent)
    );
    let row = h.line_with("N1 ");
    assert!(row.contains(" -- "), "{row}");
    let after = h.scores_line();
    assert!(
        after.contains("H2 1.00 (1) =1 · H3 1.00 (1) =1 · H1 2.56"),
        "{after}"
    );
    // → to H2 and clear its cell; then + on N2 under H3 with the symbol keys
    h.press_commands(&["hypotheses.right", "hypotheses.clear"]);
    assert_eq!(h.cell("Q1", "H2", "N1"), None);
    // H2 is now assessed on 2 rows of 3: its 0.00 is no lead, it ranks after the others
    let line = h.scores_line();
    assert!(
        line.contains("H3 1.00 (1) · H1 2.56 (3) · H2 0.00 (0, 2 o"),
        "{line}"
    );
    assert!(h.app.hypotheses.analysis.scores[1].short);
    h.press_commands(&["hypotheses.right", "list.down", "hypotheses.c"]);
    assert_eq!(h.cell("Q1", "H3", "N2"), Some(Consistency::Consistent));
    // one u undoes one cell
    h.press_command("undo");
    assert_eq!(h.cell("Q1", "H3", "N2"), Some(Consistency::Neutral));
    let screen = h.screen();
    assert!(screen.contains("undid assess"), "{screen}");
    // the header row holds no cell
    h.press_commands(&["list.up", "list.up", "hypotheses.cc"]);
    assert!(h.screen().contains("on the header"));
    assert_eq!(h.cell("Q1", "H3", "N1"), Some(Consistency::Inconsistent));
}

#[test]
fn non_diagnostic_rows_dim_hide_and_rows_order_by_diagnosticity() {
    let mut h = Harness::matrix_pane();
    let screen = h.screen();
    assert!(screen.contains("Dogs bark at night"));
    // N4 reads + under every hypothesis: drawn dim; N2 is not
    let row_of = |n: &str| screen.lines().position(|l| l.starts_with(n)).unwrap() as u16;
    let buf = h.term.backend().buffer().clone();
    let dim = |y: u16| buf[(30, y)].modifier.contains(Modifier::DIM);
    assert!(dim(row_of("N4 ")), "{screen}");
    assert!(!dim(row_of("N2 ")), "{screen}");
    h.press_command("hypotheses.flat");
    let screen = h.screen();
    assert!(!screen.contains("Dogs bark at night"), "{screen}");
    assert!(screen.contains("non-diagnostic rows hidden"), "{screen}");
    assert!(screen.contains("3 rows (2 shown)"), "{screen}");
    h.press_commands(&["hypotheses.flat", "hypotheses.order"]);
    let lines: Vec<String> = h.screen().lines().map(String::from).collect();
    let at = |n: &str| lines.iter().position(|l| l.starts_with(n)).unwrap();
    assert!(at("N1 ") < at("N2 ") && at("N2 ") < at("N4 "), "{lines:#?}");
    // an edit that makes N4 separate the hypotheses moves it up
    h.press_commands(&["list.last", "hypotheses.ii"]);
    let lines: Vec<String> = h.screen().lines().map(String::from).collect();
    let at = |n: &str| lines.iter().position(|l| l.starts_with(n)).unwrap();
    assert!(at("N4 ") < at("N2 "), "{lines:#?}");
}

#[test]
fn the_sensitivity_line_names_the_row_the_ranking_rests_on() {
    let mut h = Harness::matrix_pane();
    let line = h.line_with("The lead rests on");
    assert!(
        line.contains("The lead rests on N1: without it H2 and H3 tie for the lead instead of H1."),
        "{line}"
    );
    // with N1 neutral under every hypothesis, H2 and H3 share the lead: said as a tie,
    // never "H2 leads" by its id
    h.press_commands(&[
        "hypotheses.n",
        "hypotheses.right",
        "hypotheses.n",
        "hypotheses.right",
        "hypotheses.n",
    ]);
    let line = h.line_with("tied for the lead");
    assert!(line.contains("H2 and H3 are tied for the lead."), "{line}");
    // N2 neutral too: every hypothesis level, all three tied
    h.press_commands(&[
        "list.down",
        "hypotheses.left",
        "hypotheses.left",
        "hypotheses.n",
    ]);
    assert!(h.screen().contains("H1, H2 and H3 are tied for the lead."));
}

#[test]
fn collect_next_asks_a_sub_question_in_the_hypotheses_words_and_one_u_removes_it() {
    let mut h = Harness::matrix_pane();
    h.press_command("hypotheses.collect");
    // every cell is read and nothing is expected: asking is the one action left
    let screen = h.screen();
    assert!(screen.contains("Collect next for Q1"), "{screen}");
    assert!(
        screen.contains("ask what would tell them apart"),
        "{screen}"
    );
    assert!(
        screen.contains("nothing recorded can change the lead"),
        "{screen}"
    );
    h.press("enter");
    let want = format!(
        "What evidence would tell \"{LONG}\" apart from \"Kyle Renshaw controls the yard\"?"
    );
    h.press("enter");
    let q = id("Q3");
    let Some(Record::Question(sub)) = h.app.store.get(q).unwrap() else {
        panic!("no sub-question: {}", h.screen());
    };
    assert_eq!(sub.parent, Some(id("Q1")));
    // whole, in the hypotheses' words, never cut
    assert_eq!(sub.title, want);
    assert_eq!(sub.meta.tags, vec!["collection".to_string()]);
    let ends: Vec<Id> = h
        .app
        .store
        .neighbours(q)
        .unwrap()
        .iter()
        .map(|n| n.other)
        .collect();
    assert_eq!(ends, vec![id("H1"), id("H2")]);
    h.press_command("undo");
    assert!(h.app.store.get(q).unwrap().is_none());
    assert!(h.app.store.neighbours(id("H2")).unwrap().is_empty());
    // the wording can be edited before Enter
    h.press_command("hypotheses.collect");
    h.press("enter");
    h.typed("Whose phone is it?");
    h.press("enter");
    let Some(Record::Question(sub)) = h.app.store.get(id("Q4")).unwrap() else {
        panic!("no edited sub-question");
    };
    assert_eq!(sub.title, "Whose phone is it?");
}

/// Q1 with H1 and H2, each read on two of three notes: H1 leads by 0.16 (N1 C4 -
/// against H2). N2 (A1) is not read against H1: `--` there would change the lead. H1
/// expects X1, not yet looked for. N4 mentions Vickery, whom Q1 concerns, and is not in
/// the matrix.
fn close_case(s: &mut Store) {
    use Consistency::*;
    let q = s
        .add_question(NewQuestion::new("Who runs the car wash?"))
        .unwrap()
        .id;
    let h1 = s.add_hypothesis(q, "Vickery runs it", None).unwrap().id;
    let h2 = s.add_hypothesis(q, "Staff run it", None).unwrap().id;
    let n1 = note(s, "Takings up on Fridays", Some("C4P"));
    let n2 = note(s, "Vickery abroad all spring", Some("A1P"));
    let n3 = note(s, "Staff rota found", Some("C5P"));
    for n in [n1, n2, n3] {
        link(s, n, q, "concerns");
    }
    for (h, n, c) in [
        (h1, n1, Consistent),
        (h2, n1, Inconsistent),
        (h2, n2, Neutral),
        (h1, n3, Neutral),
    ] {
        s.assess(h, n, c).unwrap();
    }
    s.add_expectation(h1, "Vickery at the tills on cash days")
        .unwrap();
    let e = s
        .add_entity(weft::store::NewEntity {
            name: "Vickery".into(),
            kind: weft::model::EntityKind::Person,
            aliases: vec![],
            attributes: Default::default(),
            tags: vec![],
        })
        .unwrap()
        .id;
    link(s, q, e, "concerns");
    note(s, "[[Vickery]] banked cash at Harbourline", Some("B2P"));
}

#[test]
fn collect_next_ranks_what_could_change_the_lead_and_enter_acts_on_it() {
    let mut h = Harness::new(close_case);
    h.press_command("pane.hypotheses");
    h.press_command("hypotheses.collect");
    let screen = h.screen();
    // the blank cell that could turn the lead first, with its reason said in full
    assert!(screen.contains("1 assess N2 × H1"), "{screen}");
    assert!(screen.contains("up to 2.00 ●"), "{screen}");
    assert!(screen.contains("N2 (A1P) not read against H1"), "{screen}");
    assert!(screen.contains("add N4 and assess it"), "{screen}");
    assert!(screen.contains("check X1 of H1"), "{screen}");
    // Enter: the cell is selected and its value asked; `-` (choice 4) sets it
    h.press("enter");
    assert!(h.screen().contains("N2 read against H1"), "{}", h.screen());
    h.press("4");
    assert_eq!(h.cell("Q1", "H1", "N2"), Some(Consistency::Inconsistent));
    // the note not yet in the matrix becomes a row when acted on
    h.press_command("hypotheses.collect");
    let at = h
        .screen()
        .lines()
        .find(|l| l.contains("add N4 and assess it"))
        .and_then(|l| {
            l.trim_start_matches(['│', ' '])
                .split(' ')
                .next()
                .map(String::from)
        })
        .expect("N4 offered");
    h.press(&at);
    assert!(h
        .app
        .store
        .matrix(id("Q1"))
        .unwrap()
        .row_of(id("N4"))
        .is_some());
    // read against the leader, `++` (choice 1): H1 still leads, on coverage (H2 is read
    // on two of the three rows H1 is read on)
    h.press("1");
    assert_eq!(h.cell("Q1", "H1", "N4"), Some(Consistency::VeryConsistent));
    assert_eq!(h.cell("Q1", "H2", "N4"), None);
    // checking an expectation opens its status
    h.press_command("hypotheses.collect");
    let at = h
        .screen()
        .lines()
        .find(|l| l.contains("check X1 of H1"))
        .and_then(|l| {
            l.trim_start_matches(['│', ' '])
                .split(' ')
                .next()
                .map(String::from)
        })
        .expect("X1 offered");
    h.press(&at);
    assert!(h.screen().contains("Status of X1"), "{}", h.screen());
}

#[test]
fn status_and_likelihood_from_the_pane_and_from_the_backlog_detail() {
    let mut h = Harness::matrix_pane();
    let reads = h.app.hypotheses.reads;
    // on H2's column: rejected (choice 2), and it leaves the matrix until r
    h.press_commands(&["hypotheses.right", "hypotheses.status"])
        .press("2");
    assert_eq!(h.hypothesis("H2").status, HypothesisStatus::Rejected);
    let head = h.line_with("note");
    assert!(!head.contains("H2"), "{head}");
    h.press_command("hypotheses.rejected");
    assert!(h.line_with("note").contains("H2"));
    // likelihood on H1, shown in words
    h.press_commands(&["hypotheses.left", "hypotheses.likelihood"])
        .press("5");
    assert_eq!(h.hypothesis("H1").likelihood, Some(Yardstick::Likely));
    assert!(h.line_with("H1 · live").contains("· likely ·"));
    assert_eq!(
        h.app.hypotheses.reads, reads,
        "status and likelihood are placed without reading the matrix again"
    );
    // rejected H2 ranks last, so H3 now leads the pair still standing
    assert!(h.scores_line().contains("H1 0.56 (1) · H3 1.00 (1)"));
    // the Backlog detail: S status, y likelihood of the selected hypothesis
    h.press_commands(&["pane.backlog", "list.open", "list.down", "list.down"]);
    h.press_command("backlog.hypothesis_status").press("3");
    assert_eq!(h.hypothesis("H3").status, HypothesisStatus::Confirmed);
    h.press_command("backlog.likelihood").press("1");
    assert_eq!(h.hypothesis("H3").likelihood, Some(Yardstick::RemoteChance));
    h.press_command("pane.hypotheses");
    assert!(h.line_with("H3 · confirmed").contains("remote chance"));
}

#[test]
fn an_expectation_added_and_marked_absent_shows_in_the_ledger_and_counts() {
    let mut h = Harness::matrix_pane();
    assert!(h
        .screen()
        .contains("Expected if H1 were true: nothing listed (x adds)"));
    h.press_command("hypotheses.expect");
    h.typed("Marsh's car on ANPR near the yard");
    h.press("enter");
    let xs = h.app.store.expectations_of(id("H1")).unwrap();
    assert_eq!(xs, vec![id("X1")]);
    let reads = h.app.hypotheses.reads;
    assert!(h
        .line_with("X1 unchecked")
        .contains("Marsh's car on ANPR near the yard"));
    // X: which expectation, then absent (2), where, and today's date as offered
    h.press_command("hypotheses.checked").press("enter 2");
    h.typed("PNC and ANPR");
    h.press("enter enter");
    let Some(Record::Expectation(x)) = h.app.store.get(id("X1")).unwrap() else {
        panic!("X1");
    };
    assert_eq!(x.status, ExpectationStatus::Absent);
    assert_eq!(x.place.as_deref(), Some("PNC and ANPR"));
    assert_eq!(
        x.checked.map(|d| d.to_string()).as_deref(),
        Some("2026-11-25")
    );
    assert!(h
        .line_with("X1 absent (PNC and ANPR, 2026-11-25)")
        .contains("Marsh's car"));
    // an absent expectation counts like a - at 0.50
    assert!(h.scores_line().contains("H1 1.06 ("), "{}", h.scores_line());
    assert_eq!(h.app.hypotheses.analysis.scores[0].raw, 2);
    assert_eq!(h.app.hypotheses.reads, reads, "placed without a re-read");
    // a date that is not one changes nothing and says why
    h.press_command("hypotheses.checked").press("enter 2 enter");
    h.press("ctrl-u");
    h.typed("last week");
    h.press("enter");
    let said = h.screen();
    assert!(said.contains("last week"), "{said}");
    // the error is read in full over the pane's last lines: the store says what is kept
    let Some(Record::Expectation(x1)) = h.app.store.get(id("X1")).unwrap() else {
        panic!("X1");
    };
    assert_eq!(
        x1.checked.map(|d| d.to_string()).as_deref(),
        Some("2026-11-25")
    );
    // the refused date stays in its prompt; Esc steps back out of the flow
    assert!(h.app.overlay.is_some());
    for _ in 0..6 {
        if h.app.overlay.is_some() {
            h.press("esc");
        }
    }
    assert!(h.app.overlay.is_none());
    // found, with the note picked in the finder (notes only)
    h.press_command("hypotheses.checked").press("enter 3");
    h.typed("cabin");
    h.press("enter");
    assert!(h.line_with("X1 found (N3)").contains("Marsh's car"));
}

#[test]
fn evidence_rows_are_added_from_the_finder_and_record_keys_act_on_the_selection() {
    let mut h = Harness::matrix_pane();
    assert!(!h.screen().contains("Cash counted in the cabin"));
    h.press_command("hypotheses.evidence");
    h.typed("cash");
    let finder = h.screen();
    assert!(finder.contains("Add evidence: a note"), "{finder}");
    assert!(!finder.contains("Q2 "), "only notes are offered:\n{finder}");
    h.press("enter");
    assert_eq!(h.app.hypotheses.cell(), Some((id("H1"), id("N3"))));
    assert!(h.line_with("N3 ").contains("Cash counted in the cabin"));
    h.press_command("hypotheses.c");
    assert_eq!(h.cell("Q1", "H1", "N3"), Some(Consistency::Consistent));
    // e on a row edits the note; on the header, the hypothesis
    assert_eq!(h.app.selected_record(), Some(id("N3")));
    h.press_commands(&["list.first", "list.up", "record.edit"]);
    match &h.app.overlay {
        Some(Overlay::Prompt { title, .. }) => assert_eq!(title, "Edit H1"),
        other => panic!("{other:?}"),
    }
    h.press("esc");
    // two undos: the cell, then the row's link
    h.press_commands(&["undo", "undo"]);
    assert!(!h.screen().contains("Cash counted in the cabin"));
    // Enter on a row shows the note in its pane
    h.press_commands(&["list.down", "list.open"]);
    assert_eq!(h.app.pane, Pane::Notes);
}

#[test]
fn at_80x24_every_line_fits_and_the_selected_statement_shows_in_full() {
    let mut h = Harness::matrix_pane();
    let screen = h.screen();
    let lines: Vec<&str> = screen.lines().collect();
    assert_eq!(lines.len(), 24);
    assert!(
        lines[23].contains("Hypotheses"),
        "the status line stays:\n{screen}"
    );
    let joined = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    assert!(joined.contains(LONG), "{screen}");
    assert!(
        joined.contains("H1 · live · likelihood unassessed (y) · score 0.56 · raw 1 · rank 1 of 3")
    );
    assert!(
        joined.contains("N1 · A1P · weight 1.00 · diagnostic"),
        "{screen}"
    );
    // every grid row lines its cells up under the column heads
    let head = h.line_with("note");
    let h2 = head.find("H2").unwrap();
    let row = h.line_with("N2 ");
    assert_eq!(&row[h2..h2 + 2], "+ ", "{head}\n{row}");
}

#[test]
fn thirty_hypotheses_scroll_sideways_and_the_selected_column_stays_on_screen() {
    let mut h = Harness::new(|s| {
        let q = s.add_question(NewQuestion::new("Who?")).unwrap().id;
        let n = note(s, "a sighting", Some("B2P"));
        link(s, n, q, "concerns");
        for i in 0..30 {
            s.add_hypothesis(q, &format!("suspect number {i}"), None)
                .unwrap();
        }
    });
    h.press_command("pane.hypotheses");
    let first = h.line_with("cols 1-");
    assert!(first.contains("of 30"), "{first}");
    for _ in 0..29 {
        h.press_command("hypotheses.right");
    }
    assert_eq!(h.app.hypotheses.hypothesis(), Some(id("H30")));
    let head = h.line_with("note");
    assert!(head.contains("H30") && !head.contains("H1 "), "{head}");
    assert!(h.screen().contains("suspect number 29"));
}

#[test]
fn help_lists_the_pane_keys_and_states_the_weighting() {
    let mut h = Harness::matrix_pane();
    h.press_command("help");
    let mut seen = String::new();
    for _ in 0..8 {
        seen.push_str(&h.screen());
        h.press("pagedown");
    }
    assert!(
        seen.contains("Cell: -- very inconsistent (Heuer II)"),
        "{seen}"
    );
    assert!(seen.contains("Collect next"), "{seen}");
    assert!(seen.contains("— the weighting —"), "{seen}");
    assert!(seen.contains("times the note's grade weight"), "{seen}");
}

#[test]
fn text_from_the_database_is_drawn_harmlessly() {
    let mut h = Harness::new(|s| {
        case(s);
        let n = note(s, "\u{1b}[31mred alert\u{7}\nsecond line", Some("B2P"));
        link(s, n, id("Q1"), "concerns");
        s.add_expectation(id("H1"), "a \u{1b}]0;title\u{7} beacon")
            .unwrap();
    });
    h.press_commands(&["pane.hypotheses", "list.last"]);
    let screen = h.screen();
    assert!(screen.contains("red alert"), "{screen}");
    assert!(screen.contains("beacon"), "{screen}");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen:?}"
    );
    assert!(
        !screen.contains("second line"),
        "a note's title is its first line"
    );
}

/// In a workspace with many cells the matrix is read on a thread of its own: the pane
/// opens at once saying so, keys keep working, and the matrix shows when it is in; a
/// change committed meanwhile has it read again. (The threshold is lowered here so that
/// a small case takes that path.)
#[test]
fn a_large_matrix_is_read_off_the_input_thread() {
    let wait = std::time::Duration::from_secs(20);
    let mut h = Harness::new(case);
    h.app.hypotheses.background_from = Some(0);
    h.press_command("pane.hypotheses");
    assert_eq!(h.app.hypotheses.loading(), Some(id("Q1")));
    let screen = h.screen();
    assert!(screen.contains("Reading the matrix of Q1"), "{screen}");
    assert!(h.app.background_pending(), "the run loop polls for it");
    // keys still work meanwhile: another pane and back
    h.press_commands(&["pane.backlog", "pane.hypotheses"]);
    assert_eq!(h.app.pane, Pane::Hypotheses);
    assert!(h.app.wait_background(wait), "the read came in");
    assert_eq!(h.app.hypotheses.loading(), None);
    assert_eq!(h.app.hypotheses.reads, 1);
    assert!(h.line_with("note").contains("H3"), "{}", h.screen());
    assert!(h.scores_line().contains("H1 0.56 (1)"), "{}", h.screen());
    // a read under way when a change is committed is done again once it is in
    h.app.hypotheses.load(&h.app.store, id("Q1")).unwrap();
    let added = h
        .app
        .store
        .assess(id("H3"), id("N4"), Consistency::VeryInconsistent)
        .unwrap();
    h.app.after_change(&added.done);
    assert!(h.app.wait_background(wait));
    assert_eq!(h.app.hypotheses.loading(), Some(id("Q1")), "read again");
    assert!(h.app.wait_background(wait));
    assert_eq!(h.app.hypotheses.loading(), None);
    assert_eq!(
        h.cell("Q1", "H3", "N4"),
        Some(Consistency::VeryInconsistent)
    );
    let m = &h.app.hypotheses.matrix;
    let (c, r) = (m.column_of(id("H3")).unwrap(), m.row_of(id("N4")).unwrap());
    assert_eq!(m.rows[r].cells[c], Some(Consistency::VeryInconsistent));
    // the view refuses to write
    let mut view = h.app.store.read_view().unwrap();
    let e = view
        .add_question(NewQuestion::new("Through a view?"))
        .unwrap_err();
    assert!(e.to_string().contains("read-only view"), "{e}");
}

#[test]
fn the_finders_offer_the_matrices_and_mark_the_rows_already_there() {
    let mut h = Harness::matrix_pane();
    // o: the questions that have matrices, before anything is typed
    h.press_command("hypotheses.question");
    let screen = h.screen();
    assert!(
        screen.contains("(on screen) Who controls the yard? · open P1"),
        "{screen}"
    );
    assert!(screen.contains("Q2"), "{screen}");
    assert!(screen.contains("Where does the cash go?"), "{screen}");
    h.press("esc");
    // a: notes with grade (and date), the ones already rows marked
    h.press_command("hypotheses.evidence");
    h.typed("yard");
    let screen = h.screen();
    assert!(
        screen.contains("(already a row) Marsh seen at the yard every morning · A1P"),
        "{screen}"
    );
    assert!(
        screen.contains("(already a row) Renshaw's phone at the yard at night · B2P"),
        "{screen}"
    );
}
