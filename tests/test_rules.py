"""The guidance rules, and everything that must agree with them: copier.yml's defaults,
`stackwise recommend`, `stackwise compare` and the decision record."""

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from stackwise import decision_record, questions, rules
from stackwise.cli import app
from stackwise.resolve import resolve
from stackwise.rules import FASTAPI, FLASK, HYBRID, Needs, recommend
from tests.support.cli import invoke
from tests.support.rendering import context, render_file
from tests.support.template import TEMPLATE

PURPOSES = ("api", "webapp", "prototype", "microservice")
TRAFFIC = ("low", "moderate", "high")
TEAMS = ("solo", "small", "large")
EVERY_NEEDS = [
    Needs(purpose, needs_async, traffic, team, existing)
    for purpose, needs_async, traffic, team, existing in itertools.product(
        PURPOSES, (False, True), TRAFFIC, TEAMS, (False, True)
    )
]


# The answers copier.yml preselects from the needs, in the order it asks them.
CHOICES = (
    "framework", "validation", "docs", "error_format", "pages", "deploy", "auth", "database"
)  # fmt: skip


def copier_defaults(
    needs: Needs,
    framework: str | None = None,
    deploy: str | None = None,
    pages: bool | None = None,
) -> dict[str, object]:
    """The defaults copier.yml gives, question by question, as `copier copy --defaults` would;
    `framework`, `deploy` and `pages` as chosen instead of their defaults."""
    chosen = {"framework": framework, "deploy": deploy, "pages": pages}
    context: dict[str, object] = dict(vars(needs))
    for question in questions.load():
        if question.key in context or question.key.startswith("project"):
            continue
        if question.key in CHOICES:
            if chosen.get(question.key) is not None:
                context[question.key] = chosen[question.key]
            else:
                context[question.key] = question.render_default(context)
    return context


def test_the_rule_table_never_ties() -> None:
    for needs in EVERY_NEEDS:
        totals = rules.scores(needs)
        assert totals[FASTAPI] != totals[FLASK], needs


@pytest.mark.parametrize("needs", EVERY_NEEDS, ids=str)
def test_copier_yml_recommends_what_the_rules_recommend(needs: Needs) -> None:
    assert copier_defaults(needs)["framework"] == recommend(needs).framework


@pytest.mark.parametrize("framework", [FASTAPI, FLASK, HYBRID])
def test_copier_yml_preselects_what_the_rules_preselect(framework: str) -> None:
    for needs in EVERY_NEEDS:
        defaults = copier_defaults(needs, framework)
        expected = rules.choice_defaults(framework, needs)
        assert {key: defaults[key] for key in expected} == expected, needs


def test_async_needs_fastapi_whatever_is_built() -> None:
    for needs in EVERY_NEEDS:
        if needs.needs_async and not needs.existing_flask:
            assert recommend(needs).framework == FASTAPI
            assert recommend(needs).reasons[0].criterion == "async"


def test_high_traffic_needs_fastapi() -> None:
    for needs in EVERY_NEEDS:
        if needs.traffic == "high" and not needs.existing_flask:
            assert recommend(needs).framework == FASTAPI
            assert "performance" in [r.criterion for r in recommend(needs).reasons]


def test_an_api_gets_fastapi_with_validation_docs_and_json_errors() -> None:
    result = recommend(Needs(purpose="api"))
    assert result.framework == FASTAPI
    assert {"validation", "docs", "error format"} <= {r.criterion for r in result.reasons}
    assert result.defaults == {
        "validation": "pydantic",
        "docs": "both",
        "error_format": "problem",
        "pages": False,
        "deploy": "docker",
        "auth": rules.auth_default(Needs(purpose="api"))[0],
        "database": "sqlite",
    }


def test_copier_yml_preselects_the_authentication_the_rules_preselect() -> None:
    for needs in EVERY_NEEDS:
        assert copier_defaults(needs)["auth"] == rules.auth_default(needs)[0], needs


@pytest.mark.parametrize("pages", [False, True])
def test_copier_yml_preselects_a_session_only_with_the_pages(pages: bool) -> None:
    for needs in EVERY_NEEDS:
        preselected = copier_defaults(needs, pages=pages)["auth"]
        assert preselected == rules.auth_default(needs, pages)[0], needs
        if needs.purpose == "webapp":
            assert preselected == ("session" if pages else "none")
    style, reason = rules.auth_default(Needs(purpose="webapp"), pages=False)
    assert style == "none"
    assert "calls for session, but without pages" in reason


def test_a_session_without_the_pages_is_refused_with_the_reason() -> None:
    question = questions.by_key()["auth"]
    assert set(rules.AUTH_WITH_PAGES) <= set(rules.AUTH_OFFERED)
    for style in rules.AUTH_OFFERED:
        refused = question.problem(style, {"pages": False})
        if style in rules.AUTH_WITH_PAGES:
            assert refused == (
                "auth=session does not fit pages=no: session signs people in on its /login "
                "page: choose pages=yes, or auth=jwt."
            )
        else:
            assert refused == ""
        assert question.problem(style, {"pages": True}) == ""


def test_copier_yml_offers_exactly_the_styles_the_rules_offer() -> None:
    assert questions.by_key()["auth"].values == rules.AUTH_OFFERED
    assert set(rules.AUTH_OFFERED) <= set(rules.AUTH)
    assert set(rules.AUTH) == {style for style, _ in rules.AUTH_FOR_PURPOSE.values()}


@pytest.mark.parametrize("purpose", PURPOSES)
def test_the_purpose_preselects_its_style_once_offered_and_says_why(purpose: str) -> None:
    needs = Needs(purpose=purpose)
    wanted, because = rules.AUTH_FOR_PURPOSE[purpose]
    style, reason = rules.auth_default(needs)
    assert reason.startswith(because)
    if wanted in rules.AUTH_OFFERED:
        assert (style, reason) == (wanted, f"{because}: {rules.AUTH[wanted]}")
    else:
        assert style == "none"
        assert f"calls for {wanted}, not offered yet" in reason
        assert reason.endswith(rules.AUTH["none"])
    (shown,) = [r for r in recommend(needs).reasons if r.criterion == "authentication"]
    assert shown.text == reason
    assert recommend(needs).defaults["auth"] == style


def test_styles_that_keep_users_or_keys_refuse_database_none_with_the_reason() -> None:
    question = questions.by_key()["database"]
    order = [q.key for q in questions.load()]
    # Asked before the database: a style with user accounts leaves a database preselected.
    assert order.index("deploy") < order.index("auth") < order.index("database")
    for style in rules.AUTH:
        context = {"deploy": "docker", "auth": style}
        problem = question.problem("none", context)
        kept = "API keys" if style == "apikey" else "user accounts"
        if style in rules.AUTH_IN_DATABASE:
            assert problem == (
                f"database=none does not fit auth={style}: {style} keeps its {kept} in "
                "the database, so choose database=sqlite or postgresql (or auth=none)."
            )
        else:
            assert problem == ""
        assert question.problem("sqlite", context) == ""
        assert question.problem("postgresql", context) == ""
        assert question.render_default({**context, "team_size": "small", "traffic": "low"}) == (
            "sqlite"
        )


def test_the_computed_auth_flags_follow_the_rules() -> None:
    by_key = questions.by_key()
    for style in rules.AUTH:
        context = {"auth": style}
        assert by_key["auth_required"].render_default(context) is (style != "none")
        assert by_key["user_accounts"].render_default(context) is (style in rules.AUTH_WITH_USERS)


@pytest.mark.parametrize("deploy", ["none", "docker", "kubernetes"])
def test_copier_yml_preselects_the_database_the_rules_preselect(deploy: str) -> None:
    for needs in EVERY_NEEDS:
        defaults = copier_defaults(needs, deploy=deploy)
        assert defaults["database"] == rules.database_default(needs, deploy)[0], needs


def test_postgresql_is_preselected_for_kubernetes_a_large_team_or_high_traffic() -> None:
    for needs in EVERY_NEEDS:
        for deploy in ("none", "docker", "kubernetes"):
            shared = deploy == "kubernetes" or needs.team_size == "large" or needs.traffic == "high"
            expected = "postgresql" if shared else "sqlite"
            value, reason = rules.database_default(needs, deploy)
            assert value == expected, (needs, deploy)
            assert reason.endswith(rules.DATABASES[expected])
        (reason,) = [r for r in recommend(needs).reasons if r.criterion == "database"]
        assert reason.text == rules.database_default(needs, recommend(needs).defaults["deploy"])[1]


def test_kubernetes_refuses_sqlite_with_the_reason_and_never_corners_the_user() -> None:
    question = questions.by_key()["database"]
    order = [q.key for q in questions.load()]
    # Asked after the deployment: a user who chose Kubernetes can still pick PostgreSQL.
    assert order.index("database") > order.index("deploy") > order.index("error_format")
    context = {"deploy": "kubernetes"}
    assert "each replica would have its own SQLite file" in question.problem("sqlite", context)
    assert question.problem("postgresql", context) == ""
    assert question.problem("none", context) == ""
    for deploy in ("none", "docker"):
        assert question.problem("sqlite", {"deploy": deploy}) == ""


@pytest.mark.parametrize("purpose", ["webapp", "prototype"])
@pytest.mark.parametrize("traffic", ["low", "moderate"])
def test_web_apps_and_prototypes_without_async_or_high_traffic_get_flask(
    purpose: str, traffic: str
) -> None:
    result = recommend(Needs(purpose=purpose, traffic=traffic))
    assert result.framework == FLASK
    assert result.defaults["pages"] is True
    assert result.defaults["error_format"] in ("html", "negotiated")


def test_a_small_quiet_microservice_gets_flask_a_busier_one_fastapi() -> None:
    assert recommend(Needs(purpose="microservice", traffic="low")).framework == FLASK
    assert recommend(Needs(purpose="microservice", traffic="moderate")).framework == FASTAPI


def test_the_stronger_criterion_wins_and_the_trade_off_is_shown() -> None:
    result = recommend(Needs(purpose="webapp", needs_async=True, traffic="high"))
    assert result.framework == FASTAPI
    assert result.defaults["pages"] is True  # FastAPI with Jinja2 pages
    (trade_off,) = result.trade_offs
    assert trade_off.criterion == "pages"
    assert trade_off.text.startswith("Flask would have given: Jinja2 built in")


def test_an_existing_flask_app_with_fastapi_needs_gets_hybrid() -> None:
    result = recommend(Needs(purpose="api", existing_flask=True))
    assert result.framework == HYBRID
    assert "migration" in [r.criterion for r in result.reasons]
    assert recommend(Needs(purpose="webapp", existing_flask=True)).framework == FLASK


def test_team_size_never_flips_the_framework_and_sets_the_tooling() -> None:
    for needs in EVERY_NEEDS:
        frameworks = {recommend(Needs(**{**vars(needs), "team_size": t})).framework for t in TEAMS}
        assert len(frameworks) == 1, needs
        tooling = [r for r in recommend(needs).reasons if r.criterion == "tooling"]
        assert tooling and rules.TOOLING[needs.team_size] in tooling[0].text


def test_kubernetes_is_preselected_for_a_large_team_or_high_traffic_and_says_why() -> None:
    for needs in EVERY_NEEDS:
        result = recommend(needs)
        outgrows = needs.team_size == "large" or needs.traffic == "high"
        expected = "kubernetes" if outgrows else "docker"
        assert result.defaults["deploy"] == expected, needs
        (reason,) = [r for r in result.reasons if r.criterion == "deployment"]
        assert reason.text.endswith(rules.DEPLOYMENT[expected]), needs
    large = [r.text for r in recommend(Needs(team_size="large")).reasons]
    assert f"A large team: {rules.DEPLOYMENT['kubernetes']}" in large
    busy = [r.text for r in recommend(Needs(traffic="high")).reasons]
    assert f"High traffic is expected: {rules.DEPLOYMENT['kubernetes']}" in busy
    both = [r.text for r in recommend(Needs(team_size="large", traffic="high")).reasons]
    assert f"A large team, and high traffic is expected: {rules.DEPLOYMENT['kubernetes']}" in both


def test_only_valid_options_are_preselected() -> None:
    for needs in EVERY_NEEDS:
        for framework in (FASTAPI, FLASK, HYBRID):
            context = {**copier_defaults(needs, framework)}
            for key in ("validation", "docs", "error_format", "pages", "database"):
                question = questions.by_key()[key]
                problem = question.problem(context[key], context)
                assert "does not fit" not in problem and "needs a" not in problem, problem


def test_recommend_json() -> None:
    result = invoke(app, ["recommend", "--purpose", "webapp", "--no-async", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["framework"] == "flask"
    assert set(data) == {"framework", "reasons", "trade_offs", "defaults"}
    assert all(set(reason) == {"criterion", "text"} for reason in data["reasons"])
    assert data["defaults"] == {
        "validation": "none",
        "docs": "none",
        "error_format": "html",
        "pages": True,
        "deploy": "docker",
        "auth": rules.auth_default(Needs(purpose="webapp"))[0],
        "database": "sqlite",
    }


def test_recommend_without_a_terminal_takes_the_defaults() -> None:
    result = invoke(app, ["recommend"])
    assert result.exit_code == 0
    assert result.output.startswith("Recommended: FastAPI")
    assert "Why:" in result.output


def test_recommend_refuses_a_bad_answer_in_one_line() -> None:
    result = invoke(app, ["recommend", "--traffic", "huge"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: --traffic huge is not a choice: choose one of low, moderate, high."
    )


def test_compare_has_a_row_per_criterion() -> None:
    result = invoke(app, ["compare"])
    assert result.exit_code == 0
    for criterion in rules.CRITERIA.values():
        assert criterion.name in result.output
    assert "flask[async]" in result.output


def test_the_decision_record_holds_answers_choice_reasons_and_trade_offs(tmp_path: Path) -> None:
    result = invoke(
        app,
        [
            "new",
            str(tmp_path / "p"),
            "-y",
            "--no-git",
            "--purpose",
            "api",
            "--framework",
            "flask",
            "--validation",
            "none",
            "--docs",
            "none",
            "--errors",
            "html",
        ],
    )
    assert result.exit_code == 0, result.output
    record = (tmp_path / "p" / "docs" / "decisions" / "0001-framework.md").read_text()
    assert record.startswith("# 1. Web framework: Flask")
    assert "- What are you building? (`purpose`): api" in record
    assert "stackwise recommended FastAPI;\nthe team chose Flask instead." in record
    for reason in recommend(Needs(purpose="api")).reasons:
        assert reason.text in record
    assert "Flask would have given: a big community" in record
    readme = (tmp_path / "p" / "README.md").read_text()
    assert "docs/decisions/0001-framework.md" in readme
    answers = yaml.safe_load((tmp_path / "p" / ".copier-answers.yml").read_text())
    assert "decision" not in answers


def test_the_decision_record_of_a_hybrid_project(tmp_path: Path) -> None:
    result = invoke(app, ["new", str(tmp_path / "p"), "-y", "--no-git", "--existing-flask"])
    assert result.exit_code == 0, result.output
    record = (tmp_path / "p" / "docs" / "decisions" / "0001-framework.md").read_text()
    assert record.startswith("# 1. Web framework: FastAPI with Flask mounted")
    assert "FastAPI with Flask mounted, as stackwise recommended for these answers." in record
    assert "(`existing_flask`): yes" in record
    assert "- Where the Flask app answers (`legacy_mount`): root" in record
    (migration,) = [
        r for r in recommend(Needs(existing_flask=True)).reasons if r.criterion == "migration"
    ]
    assert migration.text in record
    assert (tmp_path / "p" / "src" / "p" / "legacy" / "app.py").is_file()


def listed_keys(record: str) -> list[str]:
    return re.findall(r"^- .* \(`(\w+)`\): ", record, re.MULTILINE)


@pytest.mark.parametrize("framework", [FASTAPI, FLASK, HYBRID])
def test_the_decision_record_lists_every_answer_that_shaped_the_project(framework: str) -> None:
    answers = resolve({"project_name": "p", "framework": framework}, {}, None)
    record = render_record(answers)
    shaping = [key for key in answers if key not in decision_record.IDENTITY]
    assert listed_keys(record) == shaping
    assert "deploy" in shaping
    assert ("legacy_mount" in shaping) == (framework == HYBRID)


def test_every_deployment_reason_that_holds_is_named() -> None:
    answers = resolve({"project_name": "p", "team_size": "large", "traffic": "high"}, {}, None)
    record = render_record(answers)
    assert "A large team, and high traffic is expected: Kubernetes" in record
    chosen = render_record({**answers, "deploy": "docker"})
    assert "docker chosen over kubernetes, preselected for: A large team, and high" in chosen


def render_record(answers: dict[str, Any]) -> str:
    template = (
        TEMPLATE / "{% if decision is defined %}docs{% endif %}" / "decisions"
    ) / "0001-framework.md.jinja"
    values = {**context(answers), "decision": decision_record.decision(answers)}
    return render_file(template, values)


def latest_full_run() -> str:
    """benchmarks/README.md's record of the latest full run of benchmarks/run.py."""
    text = (Path(__file__).resolve().parents[1] / "benchmarks" / "README.md").read_text()
    return text.split("## The latest full run", 1)[1].split("\n## ", 1)[0]


def test_the_performance_criterion_quotes_the_latest_full_run() -> None:
    run = latest_full_run()
    when = rules.MEASURED_RUN.split("full run of ", 1)[1]
    assert when in " ".join(run.split("\n\n", 2)[1].split())  # its date and time

    def heavy_traffic(scenario: str) -> dict[tuple[str, str], float]:
        return {
            (framework, endpoints): float(rps)
            for framework, endpoints, rps in re.findall(
                rf"^\| `{scenario}[^`]*` \| (\w+) \| (\w+) \| (\d+) \|", run, re.MULTILINE
            )
        }

    assert heavy_traffic("postgresql: GET") == rules.HEAVY_TRAFFIC_RPS
    assert heavy_traffic("downstream") == rules.DOWNSTREAM_RPS
    (ratio,) = re.findall(
        r"^\| sqlite \| `POST /api/items 422` \|(?: [\d.]+ \|){2} ([\d.]+)x", run, re.M
    )
    assert float(ratio) == rules.INVALID_INPUT_RATIO


@pytest.mark.parametrize(
    ("flask", "rank"),
    [(400.0, "the most"), (250.0, "between the FastAPI starter's two"), (100.0, "the least")],
)
def test_the_flask_starters_place_follows_the_figures(flask: float, rank: str) -> None:
    figures = {("fastapi", "async"): 300.0, ("fastapi", "sync"): 200.0, ("flask", "sync"): flask}
    assert rules.flask_rank(figures) == rank
