namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>The kinds of <see cref="Transition"/> the rules and the break cause (manual commands are raised on their own).</summary>
internal enum TransitionKind
{
    None = 0,
    Opened,
    Closed,
    HalfOpened,
}
