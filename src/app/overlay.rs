//! The boxes that open over a pane: help, prompts, pickers, confirmations, the finder,
//! the palette and the inline editor. Each turns keys into an [`Outcome`]; what a
//! submitted value means is the [`Flow`] it carries, finished by the app.

use super::input::LineInput;
use crate::commands::{Command, Scope};
use crate::keymap::{Key, KeyCode};
use crate::model::{Id, Sees};
use std::any::Any;

/// A question being asked about records, besides the title its prompt holds: the
/// records it concerns (each gets a "concerns" link), its SEES kind and its detail,
/// and the gap suggestion it answers, if any (accepted in the same step, so the gap
/// hunter stops proposing it).
#[derive(Debug, Clone, PartialEq)]
pub struct AskDraft {
    pub about: Vec<Id>,
    pub kind: Sees,
    pub detail: String,
    pub gap: Option<GapKey>,
}

/// A gap suggestion as the store records its acceptance: key, rule and fingerprint.
#[derive(Debug, Clone, PartialEq)]
pub struct GapKey {
    pub key: String,
    pub rule: &'static str,
    pub fingerprint: String,
}

impl AskDraft {
    pub fn about(id: Id) -> AskDraft {
        AskDraft {
            about: vec![id],
            kind: Sees::Situation,
            detail: String::new(),
            gap: None,
        }
    }
}

/// What a prompt, picker or confirmation is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Flow {
    EditTitle(Id),
    /// A hypothesis's statement or an expectation's text.
    EditStatement(Id),
    Likelihood(Id),
    Tags(Id),
    Delete(Id),
    /// Throwing away what was typed in the inline editor, confirmed.
    Discard,
    /// A question about records (`Q`, a quiet stretch): the prompt holds its title.
    Ask(AskDraft),
    /// Where the question titled `title` goes: the picker's value is a question's id or
    /// `top`.
    AskParent {
        draft: AskDraft,
        title: String,
    },
    /// A step of one pane's own flow: only that pane reads it.
    Pane(Step),
}

/// Which box a draft belongs to: a prompt or the inline editor, by its title. A box's
/// title names the step and the record it is about ("When did N5 happen?", "Edit Q3",
/// "New note") as the analyst knows the box, so the same step about the same record
/// reached another way (the date asked after grading a new note, or `w` on that note)
/// is the same box, and a draft typed in one is offered in the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DraftKey(String);

impl DraftKey {
    /// The key of the prompt titled `title`.
    pub fn prompt(title: &str) -> DraftKey {
        DraftKey(format!("prompt: {title}"))
    }

    /// The key of the inline editor editing `name` ("New note", "Detail of Q1").
    pub fn editor(name: &str) -> DraftKey {
        DraftKey(format!("editor: {name}"))
    }

    /// A key as it was kept in the workspace.
    pub fn from_kept(text: String) -> DraftKey {
        DraftKey(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A step of one pane's flow, carried by the box the pane opened until the box is
/// submitted: the pane that owns `owner` gets it back, and only it knows the type inside.
#[derive(Debug)]
pub struct Step {
    pub owner: Scope,
    value: Box<dyn StepValue>,
}

impl Step {
    pub fn new<T: Any + std::fmt::Debug + Clone + PartialEq + Send>(
        owner: Scope,
        value: T,
    ) -> Step {
        Step {
            owner,
            value: Box::new(value),
        }
    }

    /// The step's value, when it is a `T`.
    pub fn value<T: Any>(&self) -> Option<&T> {
        self.value.as_any().downcast_ref()
    }
}

impl Clone for Step {
    fn clone(&self) -> Step {
        Step {
            owner: self.owner,
            value: self.value.clone_box(),
        }
    }
}

impl PartialEq for Step {
    fn eq(&self, other: &Step) -> bool {
        self.owner == other.owner && self.value.eq_dyn(other.value.as_any())
    }
}

/// What a step's value must do for the box that carries it: be cloned (a box kept to
/// come back to), compared and printed.
trait StepValue: std::fmt::Debug + Send {
    fn clone_box(&self) -> Box<dyn StepValue>;
    fn as_any(&self) -> &dyn Any;
    fn eq_dyn(&self, other: &dyn Any) -> bool;
}

impl<T: Any + std::fmt::Debug + Clone + PartialEq + Send> StepValue for T {
    fn clone_box(&self) -> Box<dyn StepValue> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn eq_dyn(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
}

/// A value to choose from a short list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub value: String,
    pub hint: String,
    /// Said in full under the list while this choice is selected (a reason too long
    /// for its line).
    pub detail: String,
}

impl Choice {
    pub fn new(
        label: impl Into<String>,
        value: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Choice {
            label: label.into(),
            value: value.into(),
            hint: hint.into(),
            detail: String::new(),
        }
    }

    /// The choice with a detail said under the list while it is selected.
    pub fn with_detail(mut self, detail: &str) -> Self {
        self.detail = detail.to_string();
        self
    }
}

/// A hypothesis's statuses as choices, and where `cur` is among them.
pub fn hypothesis_status_choices(cur: crate::model::HypothesisStatus) -> (Vec<Choice>, usize) {
    use crate::model::HypothesisStatus;
    let hints = [
        "still weighed against the others",
        "ruled out: ranked last, hidden unless shown",
        "judged true",
    ];
    let choices = HypothesisStatus::ALL
        .iter()
        .zip(hints)
        .map(|(s, hint)| Choice::new(s.as_str(), s.as_str(), hint))
        .collect();
    let at = HypothesisStatus::ALL
        .iter()
        .position(|s| *s == cur)
        .unwrap_or(0);
    (choices, at)
}

/// What the finder's chosen record is for.
#[derive(Debug, Clone, PartialEq)]
pub enum FinderPurpose {
    /// Show the record where it lives.
    Jump,
    /// A record for a step of a pane's flow: the chosen id is the value it finishes
    /// with. `title` heads the box; `only` restricts the records offered to one kind.
    For {
        title: String,
        only: Option<crate::model::Kind>,
        step: Step,
        /// Records offered before anything is typed (a pane's likely picks), with
        /// their titles.
        offer: Vec<(Id, String)>,
        /// Records the step already has, marked with `mark` among the hits.
        marked: Vec<Id>,
        mark: &'static str,
    },
}

impl FinderPurpose {
    /// A record for a pane's step, nothing offered before typing, nothing marked.
    pub fn for_step(title: String, only: Option<crate::model::Kind>, step: Step) -> Self {
        FinderPurpose::For {
            title,
            only,
            step,
            offer: Vec::new(),
            marked: Vec::new(),
            mark: "",
        }
    }

    /// The only kind of record the finder offers, when it is restricted.
    pub fn kind(&self) -> Option<crate::model::Kind> {
        match self {
            FinderPurpose::For { only, .. } => *only,
            _ => None,
        }
    }

    /// The finder's title.
    pub fn title(&self) -> String {
        match self {
            FinderPurpose::Jump => "Find".to_string(),
            FinderPurpose::For { title, .. } => title.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Prompt {
        title: String,
        hint: String,
        input: LineInput,
        flow: Flow,
    },
    Pick {
        title: String,
        choices: Vec<Choice>,
        selected: usize,
        flow: Flow,
    },
    Confirm {
        message: String,
        flow: Flow,
    },
    Finder {
        input: LineInput,
        hits: Vec<(Id, String)>,
        selected: usize,
        purpose: FinderPurpose,
        /// Whether results for the text typed are still coming in (see `app::finder`).
        searching: bool,
    },
    Palette {
        input: LineInput,
        matches: Vec<Command>,
        selected: usize,
    },
    Editor {
        title: String,
        area: Box<ratatui_textarea::TextArea<'static>>,
        /// The text the editor opened with: leaving with anything else asks first.
        initial: String,
        flow: Flow,
        /// It opened with a draft offered back.
        draft: bool,
    },
}

/// The inline editor's keys, as its box's bottom edge shows them.
const EDITOR_KEYS: &str = "ctrl-s saves, esc cancels";
/// Said in the inline editor's keys when it holds a draft offered back.
const EDITOR_DRAFT: &str = "your draft from before, ";

/// The inline editor's title: what is edited, then its keys in parentheses (drawn on
/// the box's bottom edge).
pub fn editor_title(name: &str) -> String {
    format!("{name}  ({EDITOR_KEYS})")
}

/// What the inline editor titled `title` edits: the title without its keys.
fn editor_name(title: &str) -> &str {
    title.rsplit_once("  (").map_or(title, |(name, _)| name)
}

/// The inline editor's text area holding `text`, soft-wrapping, the cursor at its end.
pub fn text_area(text: &str) -> ratatui_textarea::TextArea<'static> {
    let mut area = ratatui_textarea::TextArea::new(text.lines().map(String::from).collect());
    // long lines soft-wrap at words rather than scrolling every line sideways
    area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl Overlay {
    /// Whether the inline editor holds text that differs from what it opened with.
    pub fn has_unsaved_text(&self) -> bool {
        match self {
            Overlay::Editor { area, initial, .. } => area.lines().join("\n") != *initial,
            _ => false,
        }
    }

    /// The key a draft of this box is kept under: prompts and the inline editor have
    /// one; boxes that only choose or search do not.
    pub fn draft_key(&self) -> Option<DraftKey> {
        match self {
            Overlay::Prompt { title, .. } => Some(DraftKey::prompt(title)),
            Overlay::Editor { .. } => Some(DraftKey::editor(&self.draft_title())),
            _ => None,
        }
    }

    /// What was typed in this box: a prompt's text other than weft's proposal, the
    /// inline editor's text other than what it opened with; never blank.
    pub fn typed(&self) -> Option<String> {
        match self {
            Overlay::Prompt { input, .. } => input.typed().map(str::to_string),
            Overlay::Editor { area, initial, .. } => {
                let text = area.lines().join("\n");
                (!text.trim().is_empty() && text.trim_end() != initial.trim_end()).then_some(text)
            }
            _ => None,
        }
    }

    /// The box's title, naming a draft kept of it: "New note", "Edit Q3".
    pub fn draft_title(&self) -> String {
        match self {
            Overlay::Prompt { title, .. } => title.clone(),
            Overlay::Editor { title, .. } => editor_name(title).to_string(),
            _ => String::new(),
        }
    }

    /// Offers a draft kept of this box back in it, in place of what weft proposed; the
    /// box says it holds a draft.
    pub fn offer_draft(&mut self, draft: &str) {
        match self {
            Overlay::Prompt { input, .. } => input.offer_draft(draft),
            Overlay::Editor {
                area,
                title,
                draft: offered,
                ..
            } => {
                **area = text_area(draft);
                if let Some((name, keys)) = title.rsplit_once("  (") {
                    *title = format!("{name}  ({EDITOR_DRAFT}{keys}");
                }
                *offered = true;
            }
            _ => {}
        }
    }

    /// Whether the box holds a draft offered back.
    pub fn holds_draft(&self) -> bool {
        match self {
            Overlay::Prompt { input, .. } => input.is_draft(),
            Overlay::Editor { draft, .. } => *draft,
            _ => false,
        }
    }

    /// Whether going back to this box from the next step of its flow makes sense: the
    /// steps of a flow (prompts, pickers, the finder, the editor), not help or the
    /// palette.
    fn is_step(&self) -> bool {
        !matches!(self, Overlay::Help { .. } | Overlay::Palette { .. })
    }

    /// This box as a step to come back to: a proposal once edited stays as typed.
    pub fn as_step(&self) -> Option<Overlay> {
        self.is_step().then(|| self.clone())
    }
}

/// The result of a key in an overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Keep the overlay open (the bool says whether its text changed).
    Stay(bool),
    /// `Esc`: back one step, or closed.
    Close,
    /// `n` to a confirmation: the whole flow is dropped.
    Decline,
    Submit(String),
}

fn step(selected: &mut usize, len: usize, key: &Key) -> bool {
    let last = len.saturating_sub(1);
    match (key.code, key.ctrl) {
        (KeyCode::Down, _) | (KeyCode::Char('n'), true) | (KeyCode::Tab, _) => {
            *selected = (*selected + 1).min(last)
        }
        (KeyCode::Up, _) | (KeyCode::Char('p'), true) | (KeyCode::BackTab, _) => {
            *selected = selected.saturating_sub(1)
        }
        (KeyCode::PageDown, _) => *selected = (*selected + 10).min(last),
        (KeyCode::PageUp, _) => *selected = selected.saturating_sub(10),
        _ => return false,
    }
    true
}

fn is_cancel(key: &Key) -> bool {
    key.code == KeyCode::Esc || (key.ctrl && key.code == KeyCode::Char('g'))
}

impl Overlay {
    /// Feeds one key to the overlay.
    pub fn on_key(&mut self, key: &Key) -> Outcome {
        if is_cancel(key) {
            return Outcome::Close;
        }
        match self {
            Overlay::Help { scroll } => {
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll += 10,
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
                    // clamped to the last page by the app, which knows the length
                    KeyCode::End | KeyCode::Char('G') => *scroll = usize::MAX / 2,
                    KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter => {
                        return Outcome::Close
                    }
                    _ => {}
                }
                Outcome::Stay(false)
            }
            Overlay::Prompt { input, .. } => match key.code {
                KeyCode::Enter => Outcome::Submit(input.text().to_string()),
                _ => Outcome::Stay(input.edit(key)),
            },
            Overlay::Pick {
                choices, selected, ..
            } => {
                if key.code == KeyCode::Enter {
                    return match choices.get(*selected) {
                        Some(c) => Outcome::Submit(c.value.clone()),
                        None => Outcome::Close,
                    };
                }
                if step(selected, choices.len(), key) {
                    return Outcome::Stay(false);
                }
                match key.code {
                    KeyCode::Char('j') => {
                        *selected = (*selected + 1).min(choices.len().saturating_sub(1))
                    }
                    KeyCode::Char('k') => *selected = selected.saturating_sub(1),
                    KeyCode::Char('g') | KeyCode::Home => *selected = 0,
                    KeyCode::Char('G') | KeyCode::End => {
                        *selected = choices.len().saturating_sub(1)
                    }
                    KeyCode::Char(c @ '1'..='9') if !key.ctrl => {
                        // the number shown beside a choice picks it directly
                        let at = c as usize - '1' as usize;
                        if let Some(choice) = choices.get(at) {
                            // kept chosen, should Esc come back to this step
                            *selected = at;
                            return Outcome::Submit(choice.value.clone());
                        }
                    }
                    _ => {}
                }
                Outcome::Stay(false)
            }
            Overlay::Confirm { flow, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Outcome::Submit("yes".into()),
                // "throw away what you typed?" can also keep it as a draft
                KeyCode::Char('k') | KeyCode::Char('K') if *flow == Flow::Discard => {
                    Outcome::Submit("keep".into())
                }
                KeyCode::Char('n') | KeyCode::Char('N') => Outcome::Decline,
                _ => Outcome::Stay(false),
            },
            Overlay::Finder {
                input,
                hits,
                selected,
                ..
            } => {
                if key.code == KeyCode::Enter {
                    return match hits.get(*selected) {
                        Some((id, _)) => Outcome::Submit(id.to_string()),
                        None => Outcome::Stay(false),
                    };
                }
                if step(selected, hits.len(), key) {
                    return Outcome::Stay(false);
                }
                let changed = input.edit(key);
                if changed {
                    *selected = 0;
                }
                Outcome::Stay(changed)
            }
            Overlay::Palette {
                input,
                matches,
                selected,
            } => {
                if key.code == KeyCode::Enter {
                    return match matches.get(*selected) {
                        Some(c) => Outcome::Submit(c.name().to_string()),
                        None => Outcome::Stay(false),
                    };
                }
                if step(selected, matches.len(), key) {
                    return Outcome::Stay(false);
                }
                let changed = input.edit(key);
                if changed {
                    *selected = 0;
                }
                Outcome::Stay(changed)
            }
            Overlay::Editor { area, .. } => {
                if key.ctrl && key.code == KeyCode::Char('s') {
                    return Outcome::Submit(area.lines().join("\n"));
                }
                area.input(to_textarea_input(key));
                Outcome::Stay(true)
            }
        }
    }
}

/// Translates our key into the inline editor's input type.
fn to_textarea_input(key: &Key) -> ratatui_textarea::Input {
    use ratatui_textarea::Key as T;
    let k = match key.code {
        KeyCode::Char(c) => T::Char(c),
        KeyCode::Enter => T::Enter,
        KeyCode::Tab => T::Tab,
        KeyCode::Backspace => T::Backspace,
        KeyCode::Delete => T::Delete,
        KeyCode::Up => T::Up,
        KeyCode::Down => T::Down,
        KeyCode::Left => T::Left,
        KeyCode::Right => T::Right,
        KeyCode::Home => T::Home,
        KeyCode::End => T::End,
        KeyCode::PageUp => T::PageUp,
        KeyCode::PageDown => T::PageDown,
        KeyCode::F(n) => T::F(n),
        KeyCode::Esc => T::Esc,
        _ => T::Null,
    };
    ratatui_textarea::Input {
        key: k,
        ctrl: key.ctrl,
        alt: key.alt,
        shift: false,
    }
}
