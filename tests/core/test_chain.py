from states import State


def test_a_nomination_walks_the_whole_chain_to_awarded(ctx, make):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.AWARDED)
    assert make.state(nid) == "awarded"
