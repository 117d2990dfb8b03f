namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>The kinds of <see cref="Transition"/>.</summary>
internal enum TransitionKind
{
    None = 0,
    Opened,
    Closed,
    HalfOpened,
    Isolated,
}
