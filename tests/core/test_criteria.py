"""Each criterion row of the plan (DOMAIN.md §1), met and unmet, from the registers."""
import pytest

from workflow import criteria
from workflow.models import ReviewCycle


def evaluate(ctx, cycle_id, **nominee):
    with ctx.db.reading() as s:
        cycle = s.get(ReviewCycle, cycle_id)
        return criteria.evaluate(s, ctx.settings, cycle, **nominee)


@pytest.fixture
def a(make):
    return make.agency()


class TestCollectiveAnnual:
    def test_met_with_excellent_rating_and_an_initiative_recognised_at_the_contest(self, ctx, make, a):
        make.rating(a, 2025, department_id=a.department_id)
        make.initiative(a, year=2025, department_id=a.department_id, contest=True)
        result = evaluate(ctx, make.cycle(), nominee_type="collective", department_id=a.department_id)
        assert result.met and result.uses_initiative
        assert result.lines[1].evidence[0]["contest_recognition_number"]

    def test_unmet_without_the_contest_recognition(self, ctx, make, a):
        make.rating(a, 2025, department_id=a.department_id)
        make.initiative(a, year=2025, department_id=a.department_id, contest=False)
        result = evaluate(ctx, make.cycle(), nominee_type="collective", department_id=a.department_id)
        assert not result.met
        assert [line.code for line in result.unmet_lines()] == ["contest_recognised_initiative"]

    def test_unmet_when_the_rating_is_only_good(self, ctx, make, a):
        make.rating(a, 2025, department_id=a.department_id, rating="good")
        make.initiative(a, year=2025, department_id=a.department_id, contest=True)
        result = evaluate(ctx, make.cycle(), nominee_type="collective", department_id=a.department_id)
        assert [line.code for line in result.unmet_lines()] == ["excellent_tasks"]


class TestCollectiveFinal:
    def _excellent_every_year(self, make, a):
        for year in range(2021, 2026):
            make.rating(a, year, department_id=a.department_id)

    def test_met_with_five_excellent_years_and_many_initiatives(self, ctx, make, a):
        self._excellent_every_year(make, a)
        make.initiative(a, year=2022, department_id=a.department_id)
        make.initiative(a, year=2024, department_id=a.department_id)
        assert evaluate(ctx, make.cycle("final"), nominee_type="collective", department_id=a.department_id).met

    def test_unmet_with_one_initiative_when_many_means_two(self, ctx, make, a):
        self._excellent_every_year(make, a)
        make.initiative(a, year=2022, department_id=a.department_id)
        result = evaluate(ctx, make.cycle("final"), nominee_type="collective", department_id=a.department_id)
        assert [line.code for line in result.unmet_lines()] == ["many_recognised_initiatives"]

    def test_unmet_when_one_year_was_not_excellent(self, ctx, make, a):
        for year in range(2021, 2025):
            make.rating(a, year, department_id=a.department_id)
        make.rating(a, 2025, department_id=a.department_id, rating="good")
        make.initiative(a, year=2022, department_id=a.department_id)
        make.initiative(a, year=2023, department_id=a.department_id)
        result = evaluate(ctx, make.cycle("final"), nominee_type="collective", department_id=a.department_id)
        assert not result.met and "2025" in result.lines[0].note


class TestIndividualAnnual:
    def test_met_by_a_contest_prize(self, ctx, make, a):
        make.prize(a, a.staff_person)
        result = evaluate(ctx, make.cycle(), nominee_type="individual", person_id=a.staff_person)
        assert result.met and not result.uses_initiative

    def test_met_by_an_initiative_recognised_and_appraised(self, ctx, make, a):
        make.initiative(a, authors=[a.staff_person], appraised=True)
        result = evaluate(ctx, make.cycle(), nominee_type="individual", person_id=a.staff_person)
        assert result.met and result.uses_initiative

    def test_unmet_by_an_initiative_recognised_but_not_appraised(self, ctx, make, a):
        make.initiative(a, authors=[a.staff_person], appraised=False)
        assert not evaluate(ctx, make.cycle(), nominee_type="individual", person_id=a.staff_person).met

    def test_unmet_by_a_prize_of_another_year_or_mere_participation(self, ctx, make, a):
        make.prize(a, a.staff_person, year=2024)
        from workflow import registers
        registers.save_contest_result(ctx, a.secretary, contest_kind="written_initiative", year=2025,
                                      person_id=a.staff_person, participated=True, prize=None)
        assert not evaluate(ctx, make.cycle(), nominee_type="individual", person_id=a.staff_person).met


class TestIndividualFinal:
    def test_met_with_five_excellent_years_and_two_recognised_initiatives(self, ctx, make, a):
        for year in range(2021, 2026):
            make.rating(a, year, person_id=a.staff_person)
        make.initiative(a, year=2021, authors=[a.staff_person])
        make.initiative(a, year=2025, authors=[a.staff_person])
        assert evaluate(ctx, make.cycle("final"), nominee_type="individual", person_id=a.staff_person).met

    def test_unmet_when_initiatives_are_not_recognised(self, ctx, make, a):
        for year in range(2021, 2026):
            make.rating(a, year, person_id=a.staff_person)
        make.initiative(a, year=2021, authors=[a.staff_person], recognised=False)
        make.initiative(a, year=2025, authors=[a.staff_person])
        result = evaluate(ctx, make.cycle("final"), nominee_type="individual", person_id=a.staff_person)
        assert [line.code for line in result.unmet_lines()] == ["many_recognised_initiatives"]

    def test_many_is_a_setting(self, ctx, make, a):
        ctx.settings.raw["criteria"]["many_initiatives"] = 1
        for year in range(2021, 2026):
            make.rating(a, year, person_id=a.staff_person)
        make.initiative(a, year=2023, authors=[a.staff_person])
        assert evaluate(ctx, make.cycle("final"), nominee_type="individual", person_id=a.staff_person).met
