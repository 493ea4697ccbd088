//! Step mode: the learner is the scheduler of a stepped program (`core::stepping::Machine`).
//! Any machine draws the same way: a column per actor (its code with the next line marked, its
//! status and private values), the shared state, who waits for whom, a verdict, and the log of
//! steps. The schedule lives in the URL (`rules=…&steps=…`), so a link replays it exactly.
//!
//! Keys while the panel has focus: 1-9 step that thread, u or Backspace undo, r random
//! scheduler to the end, f find, Home back to the start.

use super::Knobs;
use crate::core::stepping::{
    Machine, Picture, Search, decode, encode, random_schedule, replay, search,
};
use crate::engine;
use leptos::prelude::*;

/// The most states a search visits before it gives up (keeps the click under a few frames).
const SEARCH_LIMIT: usize = 200_000;

/// One way to run the stepped program: its URL key, its title, and its first state.
pub struct StepRules<M> {
    pub key: &'static str,
    pub title: &'static str,
    pub start: M,
}

/// The step panel. `goal` names what the find button looks for ("a lost update").
#[component]
pub fn Stepper<M: Machine + Send + Sync + 'static>(
    knobs: Knobs,
    query: Vec<(String, String)>,
    rules: Vec<StepRules<M>>,
    /// What the find button looks for ("a lost update"); none: no find button (a program
    /// with one actor has one schedule).
    #[prop(optional)]
    goal: Option<&'static str>,
    /// What the model shows and what it is not, in a sentence or two.
    intro: &'static str,
) -> impl IntoView {
    let param = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let first_rule = param("rules")
        .and_then(|k| rules.iter().position(|r| r.key == k))
        .unwrap_or(0);
    let rules = StoredValue::new(rules);
    let rule = RwSignal::new(first_rule);
    let start = move || rules.with_value(|r| r[rule.get_untracked()].start.clone());
    // A schedule from a link replays as far as its steps can run; the rest is dropped.
    let wanted = decode(&param("steps").unwrap_or_default());
    let used = replay(&start(), &wanted).1.len();
    let steps = RwSignal::new(wanted[..used].to_vec());
    let message = RwSignal::new(None::<String>);
    let now = Memo::new(move |_| {
        let from = rules.with_value(|r| r[rule.get()].start.clone());
        steps.with(|s| replay(&from, s))
    });
    Effect::new(move |_| {
        let key = rules.with_value(|r| r[rule.get()].key);
        knobs.extra.set(vec![
            ("rules", key.to_string()),
            ("steps", encode(&steps.get())),
        ]);
    });
    let act = move |do_it: Action| {
        message.set(None);
        let (m, _) = now.get_untracked();
        match do_it {
            Action::Step(actor) if m.runnable().contains(&actor) => steps.update(|s| s.push(actor)),
            Action::Step(actor) => message.set(Some(format!(
                "{} cannot take a step now.",
                name_of(&m, actor)
            ))),
            Action::Undo => steps.update(|s| {
                s.pop();
            }),
            Action::Reset => steps.set(vec![]),
            Action::Random => {
                let more = random_schedule(&m, engine::now_ms().to_bits());
                message.set(Some(format!(
                    "{} {} steps.",
                    if m.actors().len() == 1 {
                        "Ran to the end:"
                    } else {
                        "The random scheduler took"
                    },
                    more.len()
                )));
                steps.update(|s| s.extend(more));
            }
            Action::Find => message.set(goal.map(|g| find(&m, g, steps))),
        }
    };
    let on_key = move |e: leptos::ev::KeyboardEvent| {
        let action = match e.key().as_str() {
            k if k.len() == 1 && ("1"..="9").contains(&k) => {
                Action::Step(k.parse::<usize>().unwrap_or(1) - 1)
            }
            "u" | "Backspace" => Action::Undo,
            "r" => Action::Random,
            "f" => Action::Find,
            "Home" => Action::Reset,
            _ => return,
        };
        // Keys typed into a form field are the field's; with a modifier they are the browser's
        // (Ctrl+F, Ctrl+R).
        if is_field(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        e.prevent_default();
        act(action);
    };
    let one_actor = rules.with_value(|r| r[0].start.actors().len() == 1);
    let options = rules.with_value(|r| r.iter().enumerate().map(|(i, r)| view! { <option value=i.to_string() selected=i == first_rule>{r.title}</option> }).collect_view());
    view! {
        <section class="stepper" data-testid="stepper" tabindex="0" on:keydown=on_key aria-labelledby="stepper-title">
            <h2 id="stepper-title">"Step it yourself: you are the scheduler"</h2>
            <p class="notice stand-in"><strong>"A model, stepped by hand: "</strong>{intro}</p>
            <div class="step-controls">
                <label>"rules "
                    <select data-testid="step-rules" on:change=move |e| { rule.set(event_target_value(&e).parse().unwrap_or(0)); steps.set(vec![]); message.set(None); }>
                        {options}
                    </select>
                </label>
                {move || actor_buttons(&now.get().0, act)}
                <button data-testid="step-undo" on:click=move |_| act(Action::Undo) disabled=move || steps.with(Vec::is_empty)>"Undo (u)"</button>
                <button data-testid="step-reset" on:click=move |_| act(Action::Reset) disabled=move || steps.with(Vec::is_empty)>"Start over (Home)"</button>
                <button data-testid="step-random" on:click=move |_| act(Action::Random)>{if one_actor { "Run to the end (r)" } else { "Random scheduler (r)" }}</button>
                {goal.map(|g| view! { <button data-testid="step-find" on:click=move |_| act(Action::Find)>{format!("Find {g} (f)")}</button> })}
            </div>
            <p class="step-message" data-testid="step-message" role="status">{move || message.get()}</p>
            <p class="step-last" data-testid="step-last" aria-live="polite">{move || now.with(|(_, events)| match events.last() {
                Some(e) => format!("Step {}: {e}", events.len()),
                None => "No step taken yet.".into(),
            })}</p>
            {move || { let (m, events) = now.get(); drawing(m.picture(), events) }}
            <p class="muted">"The address bar holds this schedule: copy the link and it replays step by step."</p>
        </section>
    }
}

#[derive(Clone, Copy)]
enum Action {
    Step(usize),
    Undo,
    Reset,
    Random,
    Find,
}

fn name_of<M: Machine>(m: &M, actor: usize) -> String {
    m.actors()
        .get(actor)
        .cloned()
        .unwrap_or_else(|| format!("actor {}", actor + 1))
}

/// Keys typed into a form field are the field's, not the stepper's.
fn is_field(e: &leptos::ev::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "SELECT" | "INPUT" | "TEXTAREA"))
}

/// Searches every interleaving from the current state; appends the shortest way to the goal.
fn find<M: Machine>(m: &M, goal: &str, steps: RwSignal<Vec<usize>>) -> String {
    match search(m, SEARCH_LIMIT) {
        Search::Found(path) if path.is_empty() => format!("This state already shows {goal}."),
        Search::Found(path) => {
            let n = path.len();
            steps.update(|s| s.extend(path));
            format!(
                "Found {goal} in {n} more steps (the shortest way from where you were). Undo to walk back through it."
            )
        }
        Search::Unreachable { states } => {
            format!(
                "No schedule from here reaches {goal}: all {states} reachable states were searched."
            )
        }
        Search::TooMany { states } => {
            format!("Gave up after {states} states without finding {goal}.")
        }
    }
}

fn actor_buttons<M: Machine, F: Fn(Action) + Copy + Send + Sync + 'static>(
    m: &M,
    act: F,
) -> impl IntoView + use<M, F> {
    let runnable = m.runnable();
    m.actors()
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let can = runnable.contains(&i);
            view! {
                <button class="step" data-testid="step-actor" data-actor=i disabled=!can on:click=move |_| act(Action::Step(i))>
                    {format!("Step {name} ({})", i + 1)}
                </button>
            }
        })
        .collect_view()
}

fn drawing(p: Picture, events: Vec<String>) -> impl IntoView {
    let count = events.len();
    let open = count > 0;

    let verdict = p.verdict.map(|v| {
        view! { <p class="verdict step-verdict" class:bad=v.bad data-testid="step-verdict" data-bad=v.bad.to_string()>{v.text}</p> }
    });
    let cycle = (!p.waits.is_empty()).then(|| waits(p.waits));
    view! {
        <div class="step-actors">
            {p.actors.into_iter().map(|a| view! {
                <div class="step-actor" data-testid="step-column">
                    <h3>{a.name}</h3>
                    <p class="muted" data-testid="step-status">{a.status}</p>
                    <ol class="step-code">
                        {a.code.into_iter().enumerate().map(|(i, line)| {
                            let here = a.at == Some(i);
                            view! { <li class:at=here aria-current=here.then_some("step")><code>{line}</code></li> }
                        }).collect_view()}
                    </ol>
                    {(!a.stack.is_empty()).then(|| view! { <p class="step-stack" data-testid="step-stack">{a.stack.join(" · ")}</p> })}
                </div>
            }).collect_view()}
            <div class="step-shared">
                <h3>"shared"</h3>
                <dl data-testid="step-shared">
                    {p.shared.into_iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd data-name=k>{v}</dd> }).collect_view()}
                </dl>
            </div>
        </div>
        {cycle}
        {verdict}
        <details class="step-log" open=open>
            <summary>{format!("Steps taken: {count}")}</summary>
            <ol data-testid="step-log">{events.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ol>
        </details>
    }
}

/// The wait-for graph as arrows, and whether it closes a cycle.
fn waits(edges: Vec<(String, String, String)>) -> impl IntoView {
    let closed = edges
        .iter()
        .all(|(_, _, holder)| edges.iter().any(|(waiter, _, _)| waiter == holder));
    view! {
        <div class="wait-for" data-testid="wait-for" data-cycle=closed.to_string()>
            <h3>{if closed { "Wait-for graph: a cycle" } else { "Wait-for graph" }}</h3>
            <ul>{edges.into_iter().map(|(who, what, holder)| view! {
                <li>{who}" ⟶ waits for "<strong>{what}</strong>" ⟶ held by "{holder}</li>
            }).collect_view()}</ul>
        </div>
    }
}
