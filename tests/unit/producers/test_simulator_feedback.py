"""Complaints and surveys follow the service citizens got."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import datetime

from tests.unit.producers.simulator_runs import CATALOG, WEEK, at, run, wait_s

CATEGORIES = {"waktu", "pungli", "perilaku_petugas", "persyaratan", "sarana_prasarana", "diskriminasi", "lainnya"}
CHANNELS = {"lapor", "whatsapp", "kotak_saran", "email", "langsung"}
NIK = re.compile(r"\b\d{16}\b")
PHONE = re.compile(r"(\+62 ?|0)8\d{2}[- ]?\d{4}[- ]?\d{4}")


def _completed_by_office() -> Counter[str]:
    return Counter(event["office_id"] for event in run(WEEK).of_type("service.completed"))


def test_complaint_rate_is_higher_in_understaffed_offices() -> None:
    complaints = Counter(event["office_id"] for event in run(WEEK).of_type("complaint.filed"))
    completed = _completed_by_office()
    rates: dict[bool, list[float]] = {True: [], False: []}
    for office_id, profile in run(WEEK).profiles.items():
        rates[profile.understaffed].append(1000 * complaints[office_id] / completed[office_id])
    assert rates[True] and rates[False]
    assert statistics.mean(rates[True]) > 1.8 * statistics.mean(rates[False])
    assert 2 < statistics.mean(rates[False]) < 15  # per 1,000 services completed


def test_waktu_dominates_complaints_where_waits_are_long() -> None:
    profiles = run(WEEK).profiles
    categories = {True: Counter[str](), False: Counter[str]()}
    for event in run(WEEK).of_type("complaint.filed"):
        categories[profiles[event["office_id"]].understaffed][event["category"]] += 1
    slow = categories[True]
    assert slow.most_common(1)[0][0] == "waktu" and slow["waktu"] / slow.total() > 0.4
    assert categories[False]["waktu"] / categories[False].total() < slow["waktu"] / slow.total()


def test_complaints_use_the_contract_codes_and_sometimes_carry_personal_data() -> None:
    complaints = run(WEEK).of_type("complaint.filed")
    assert {event["category"] for event in complaints} <= CATEGORIES
    assert {event["channel"] for event in complaints} == CHANNELS
    assert all(CATALOG.has_service(event["service_code"]) for event in complaints)
    with_nik = [event for event in complaints if "reporter_nik" in event]
    assert 0.2 < len(with_nik) / len(complaints) < 0.6
    assert all(re.fullmatch(r"\d{16}", event["reporter_nik"]) for event in with_nik)
    texts = [event["text"] for event in complaints]
    assert all(texts)
    assert 0.03 < sum(bool(NIK.search(text)) for text in texts) / len(texts) < 0.4
    assert 0.1 < sum(bool(PHONE.search(text)) for text in texts) / len(texts) < 0.5


def test_pungli_is_rare() -> None:
    categories = Counter(event["category"] for event in run(WEEK).of_type("complaint.filed"))
    assert categories["pungli"] / categories.total() < 0.05


def test_complaints_come_after_the_visit_and_follow_ups_after_the_complaint() -> None:
    events = run(WEEK).events
    ends: dict[str, datetime] = {}
    for event in events:
        if event["type"] in ("service.completed", "ticket.abandoned"):
            ends[event["office_id"]] = min(ends.get(event["office_id"], at(event)), at(event))
    filed = {}
    for event in events:
        if event["type"] == "complaint.filed":
            assert at(event) > ends[event["office_id"]]
            filed[(event["office_id"], event["complaint_id"])] = event
        elif event["type"].startswith("complaint."):
            assert at(event) > at(filed[(event["office_id"], event["complaint_id"])])


def test_a_share_of_served_citizens_answers_the_survey_after_service() -> None:
    surveys = run(WEEK).of_type("survey.submitted")
    served = sum(event["outcome"] == "served" for event in run(WEEK).of_type("service.completed"))
    assert 0.15 < len(surveys) / served < 0.3
    for event in surveys:
        assert set(event["scores"]) == {f"u{i}" for i in range(1, 10)}
        assert all(score in (1, 2, 3, 4) for score in event["scores"].values())


def test_survey_scores_fall_as_the_wait_grows_waktu_most() -> None:
    # A survey does not name its ticket, so compare queues: mean wait of an office's service on a day
    # against the mean scores of that day's surveys for it.
    waits: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for (office_id, _), ticket in run(WEEK).tickets.items():
        if "service.started" in ticket:
            issued = ticket["ticket.issued"]
            target = CATALOG.service(issued["service_code"]).target_wait_s
            waits[(office_id, issued["service_code"], issued["occurred_at"][:10])].append(wait_s(ticket) / target)
    scores: dict[tuple[str, str, str], list[dict[str, int]]] = defaultdict(list)
    for event in run(WEEK).of_type("survey.submitted"):
        scores[(event["office_id"], event["service_code"], event["occurred_at"][:10])].append(event["scores"])
    queues = sorted((statistics.mean(waits[key]), answers) for key, answers in scores.items() if len(answers) >= 5)
    third = len(queues) // 3
    short = [answer for _, answers in queues[:third] for answer in answers]
    long_ = [answer for _, answers in queues[-third:] for answer in answers]

    def drop(unsur: str) -> float:
        return statistics.mean(a[unsur] for a in short) - statistics.mean(a[unsur] for a in long_)

    drops = {f"u{i}": drop(f"u{i}") for i in range(1, 10)}
    assert drops["u3"] > 0.25
    assert drops["u3"] == max(drops.values())
    assert drops["u4"] < 0.15  # biaya does not depend on the wait
