"""PyTorch's optimizer names and settings: weight decay, AdamW, betas, RMSprop, checked settings.

Every trajectory is checked against ``torch.optim`` itself, step by step, to 1e-9.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import optim
from autograd import Parameter, Value

torch = pytest.importorskip("torch")

THETA0 = [0.7, -1.3, 2.1]


def loss_of(theta: list[Any]) -> Any:
    """A smooth bounded loss, different in each parameter (works on Values and tensors)."""
    t1, t2, t3 = theta
    return t1.sin() * t2.cos() + (t2 * t3).sin() + 0.5 * t3.cos() + 0.1 * t1 * t1


def our_run(make: Callable[[list[Value]], optim.Optimizer], steps: int) -> list[list[float]]:
    theta: list[Value] = [Parameter(x) for x in THETA0]
    optimizer = make(theta)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_of(theta).backward()
        optimizer.step()
        trajectory.append([p.data for p in theta])
    return trajectory


def torch_run(make: Callable[[list[Any]], Any], steps: int) -> list[list[float]]:
    theta = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in THETA0]
    optimizer = make(theta)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_of(theta).backward()
        optimizer.step()
        trajectory.append([p.item() for p in theta])
    return trajectory


CASES = [
    (
        "SGD weight_decay",
        lambda p: optim.SGD(p, lr=0.02, weight_decay=0.3),
        lambda p: torch.optim.SGD(p, lr=0.02, weight_decay=0.3),
    ),
    (
        "SGD weight_decay momentum maximize",
        lambda p: optim.SGD(p, lr=0.01, momentum=0.9, weight_decay=0.1, maximize=True),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, weight_decay=0.1, maximize=True),
    ),
    (
        "Adam betas",
        lambda p: optim.Adam(p, lr=0.01, betas=(0.8, 0.99)),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99)),
    ),
    (
        "Adam betas weight_decay",
        lambda p: optim.Adam(p, lr=0.01, betas=(0.85, 0.995), weight_decay=0.2),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.85, 0.995), weight_decay=0.2),
    ),
    (
        "AdamW defaults",
        lambda p: optim.AdamW(p),
        lambda p: torch.optim.AdamW(p),
    ),
    (
        "AdamW betas weight_decay",
        lambda p: optim.AdamW(p, lr=0.02, betas=(0.9, 0.95), weight_decay=0.5),
        lambda p: torch.optim.AdamW(p, lr=0.02, betas=(0.9, 0.95), weight_decay=0.5),
    ),
    (
        "AdamW maximize",
        lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.1, maximize=True),
        lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, maximize=True),
    ),
    (
        "RMSprop",
        lambda p: optim.RMSprop(p, lr=0.01, gamma=0.99),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99),
    ),
    (
        "RMSprop alpha",
        lambda p: optim.RMSprop(p, lr=0.01, alpha=0.95),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.95),
    ),
]


@pytest.mark.parametrize(("name", "ours", "theirs"), CASES, ids=[case[0] for case in CASES])
def test_forty_steps_match_torch_optim(name: str, ours: Any, theirs: Any) -> None:
    for step, (a, b) in enumerate(zip(our_run(ours, 40), torch_run(theirs, 40), strict=True)):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12), f"{name}, step {step + 1}"


def test_adamw_decays_unlike_adam_with_weight_decay() -> None:
    # Decoupled decay: not the same as the L2-coupled weight_decay of Adam.
    coupled = our_run(lambda p: optim.Adam(p, lr=0.05, weight_decay=0.5), 10)
    decoupled = our_run(lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.5), 10)
    assert coupled[-1] != pytest.approx(decoupled[-1], rel=1e-6)


def test_rmsprop_is_pytorchs_spelling_of_rmsprop() -> None:
    assert optim.RMSprop is optim.RMSProp


def test_betas_and_gamma_together_are_refused() -> None:
    theta = [Parameter(1.0)]
    with pytest.raises(ValueError, match=r"Adam: give betas=.* or gamma_v/gamma_s, not both"):
        optim.Adam(theta, betas=(0.9, 0.999), gamma_s=0.99)
    with pytest.raises(ValueError, match=r"AdamW: give betas="):
        optim.AdamW(theta, betas=(0.9, 0.999), gamma_v=0.9)
    with pytest.raises(ValueError, match=r"Invalid gamma_s value: 1.0"):
        optim.Adam(theta, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match=r"give PyTorch's pair as betas=\(0.9, 0.99\)"):
        optim.Adam(theta, 0.01, (0.9, 0.99))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"Invalid weight_decay value: -0.1"):
        optim.SGD(theta, lr=0.1, weight_decay=-0.1)
    adam = optim.Adam(theta, betas=(0.8, 0.9))
    assert adam.betas == (0.8, 0.9)
    assert (adam.gamma_v, adam.gamma_s) == (0.8, 0.9)


def test_a_state_saved_before_weight_decay_existed_loads() -> None:
    theta = [Parameter(1.0)]
    saved = optim.Adam(theta, lr=0.1).state_dict()
    del saved["hyperparameters"]["weight_decay"]
    other = optim.Adam([Parameter(1.0)], lr=0.5)
    other.load_state_dict(saved)
    assert other.lr == 0.1 and other.weight_decay == 0.0


# ---- settings are checked when set ------------------------------------------------------------

@pytest.mark.parametrize(
    ("make", "setting", "value", "message"),
    [
        (lambda p: optim.RMSProp(p, lr=0.1), "eps", -1, r"RMSProp\.eps = -1: Invalid epsilon"),
        (lambda p: optim.Adam(p), "gamma_v", 1, r"Adam\.gamma_v = 1: Invalid gamma_v value: 1"),
        (lambda p: optim.SGD(p, lr=0.1), "lr", float("nan"), r"SGD\.lr = nan: Invalid learning"),
        (lambda p: optim.SGD(p, lr=0.1), "momentum", -0.5, r"SGD\.momentum = -0.5: Invalid"),
        (lambda p: optim.AdamW(p), "weight_decay", -1.0, r"AdamW\.weight_decay = -1.0"),
        (lambda p: optim.Adam(p), "betas", (0.9, 1.5), r"Adam\.betas = \(0.9, 1.5\): Invalid"),
        (lambda p: optim.Adam(p), "maximize", "yes", r"Adam\.maximize = 'yes': Invalid maximize"),
    ],
)
def test_an_invalid_setting_is_refused_when_set(
    make: Any, setting: str, value: object, message: str
) -> None:
    theta = [Parameter(1.0, label="w")]
    optimizer = make(theta)
    before = json.dumps(optimizer.state_dict())
    with pytest.raises(ValueError, match=message):
        setattr(optimizer, setting, value)
    assert json.dumps(optimizer.state_dict()) == before
    theta[0].grad = 0.5
    optimizer.step()  # still steps with the old settings
    assert theta[0].data != 1.0


def test_a_valid_setting_is_taken_as_a_float() -> None:
    np = pytest.importorskip("numpy")
    optimizer = optim.RMSProp([Parameter(1.0)], lr=0.1)
    optimizer.eps = np.float32(1e-6)
    optimizer.lr = 1
    assert type(optimizer.eps) is float and type(optimizer.lr) is float
    json.dumps(optimizer.state_dict())


def test_an_unknown_setting_is_refused_with_the_known_ones() -> None:
    optimizer = optim.RMSProp([Parameter(1.0)], lr=0.1)
    with pytest.raises(AttributeError, match=r"RMSProp has no setting 'learning_rate'.*"
                       r"settings are eps, gamma, lr, maximize"):
        optimizer.learning_rate = 0.5
    with pytest.raises(AttributeError, match=r"did you mean 'gamma'"):
        optimizer.gama = 0.5
    assert not hasattr(optimizer, "learning_rate")

    class Counting(optim.SGD):  # a subclass keeps the attributes it declares
        steps_taken: int

        def step(self) -> None:
            self.steps_taken = getattr(self, "steps_taken", 0) + 1
            super().step()

    counting = Counting([Parameter(1.0)], lr=0.1)
    counting.step()
    assert counting.steps_taken == 1
    with pytest.raises(AttributeError, match=r"Counting has no setting 'step_taken' \(did you "
                       r"mean 'steps_taken'\?\)"):
        counting.step_taken = 2


# ---- names that are not there -----------------------------------------------------------------

def test_a_missing_optimizer_name_lists_what_exists() -> None:
    with pytest.raises(AttributeError, match=r"no attribute 'Adagrad' \(did you mean Adam.*"
                       r"it has: Adam, AdamW, .*RMSprop.*SGD"):
        optim.Adagrad  # noqa: B018
    with pytest.raises(AttributeError, match=r"'ADAMW' \(did you mean AdamW"):
        optim.ADAMW  # noqa: B018
    assert not hasattr(optim, "LBFGS")


def test_alpha_is_pytorchs_name_for_gamma_and_not_both() -> None:
    theta = [Parameter(1.0)]
    rmsprop = optim.RMSprop(theta, lr=0.01, alpha=0.99)
    assert rmsprop.gamma == 0.99
    rmsprop.alpha = 0.5
    assert (rmsprop.alpha, rmsprop.gamma) == (0.5, 0.5)
    with pytest.raises(ValueError, match=r"Invalid gamma value: 1.5.*nothing was changed"):
        rmsprop.alpha = 1.5
    assert rmsprop.gamma == 0.5
    with pytest.raises(ValueError, match=r"RMSProp: give alpha .* or gamma, not both"):
        optim.RMSprop(theta, lr=0.01, alpha=0.99, gamma=0.9)
    assert "0.99" in (optim.RMSProp.__doc__ or "")  # the docstring tells PyTorch's default


@pytest.mark.parametrize(
    ("make", "keyword"),
    [
        (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), "nesterov=True"),
        (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1), "dampening=0.1"),
        (lambda p: optim.RMSprop(p, lr=0.01, centered=True), "centered=True"),
        (lambda p: optim.RMSprop(p, lr=0.01, momentum=0.9), "momentum=0.9"),
        (lambda p: optim.Adam(p, lr=0.01, amsgrad=True), "amsgrad=True"),
        (lambda p: optim.AdamW(p, lr=0.01, foreach=True), "foreach=True"),
        (lambda p: optim.Adam(p, fused=True), "fused=True"),
        (lambda p: optim.SGD(p, lr=0.1, capturable=True), "capturable=True"),
        (lambda p: optim.AdamW(p, differentiable=True), "differentiable=True"),
    ],
)
def test_an_unsupported_pytorch_keyword_is_named_with_the_update(make: Any, keyword: str) -> None:
    with pytest.raises(TypeError, match=rf"{keyword} is not supported .*'s update is .*θ ← θ"):
        make([Parameter(1.0)])


def test_pytorch_keywords_at_their_defaults_change_nothing_and_are_accepted() -> None:
    torch = pytest.importorskip("torch")
    start = [0.5, -1.5, 2.0]
    ours = [Parameter(v) for v in start]
    theirs = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = optim.SGD(ours, lr=0.1, momentum=0.9, dampening=0, nesterov=False, foreach=None)
    reference = torch.optim.SGD(
        [theirs], lr=0.1, momentum=0.9, dampening=0, nesterov=False, foreach=None
    )
    for _ in range(5):
        optimizer.zero_grad()
        sum(p * p * p for p in ours).backward()
        optimizer.step()
        reference.zero_grad()
        (theirs**3).sum().backward()
        reference.step()
    assert [p.data for p in ours] == pytest.approx(theirs.tolist(), rel=1e-12)
    optim.Adam([Parameter(1.0)], amsgrad=False, fused=None, capturable=False)
    optim.RMSprop([Parameter(1.0)], lr=0.01, centered=False, momentum=0, weight_decay=0.0)


def test_a_misspelt_keyword_gets_the_nearest_and_the_list() -> None:
    message = r"'nestrov' \(did you mean 'nesterov'\?\); it takes params, lr"
    with pytest.raises(TypeError, match=message):
        optim.SGD([Parameter(1.0)], lr=0.1, nestrov=True)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_takes_set_to_none_and_zeroes(set_to_none: bool) -> None:
    theta = [Parameter(1.0), Parameter(2.0)]
    (theta[0] * theta[1]).backward()
    optimizer = optim.Adam(theta)
    optimizer.zero_grad(set_to_none=set_to_none)
    assert [p.grad for p in theta] == [0.0, 0.0]
    (theta[0] * theta[1]).backward()
    assert [p.grad for p in theta] == [2.0, 1.0]  # d(ab)/da = b, d(ab)/db = a


def test_a_none_gradient_is_named_at_step_and_changes_nothing() -> None:
    theta = [Parameter(1.0, label="w"), Parameter(2.0, label="b")]
    optimizer = optim.SGD(theta, lr=0.1)
    (theta[0] * theta[1]).backward()
    theta[1].grad = None  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"parameter 1 \('b'\) is None.*zero_grad\(\)"):
        optimizer.step()
    assert [p.data for p in theta] == [1.0, 2.0]
    optimizer.zero_grad()
    optimizer.step()
    assert [p.data for p in theta] == [1.0, 2.0]
