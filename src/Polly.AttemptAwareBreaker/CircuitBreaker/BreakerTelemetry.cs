namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The names of the telemetry events the attempt-aware circuit breaker and the composed retry report through Polly's telemetry.
/// The state-change events carry the same names as Polly's own circuit breaker, so dashboards keep working.
/// </summary>
public static class BreakerTelemetry
{
    /// <summary>The circuit opened (Polly's event name).</summary>
    public const string OnCircuitOpened = "OnCircuitOpened";

    /// <summary>The circuit closed (Polly's event name).</summary>
    public const string OnCircuitClosed = "OnCircuitClosed";

    /// <summary>The circuit went half-open (Polly's event name).</summary>
    public const string OnCircuitHalfOpened = "OnCircuitHalfOpened";

    /// <summary>A downstream attempt failed; the arguments carry the attempt number and the class.</summary>
    public const string OnAttemptFailed = "OnAttemptFailed";

    /// <summary>A retry is about to wait and try again (Polly's event name); the arguments are Polly's <c>OnRetryArguments</c>.</summary>
    public const string OnRetry = "OnRetry";

    /// <summary>An attempt of the composed retry finished (Polly's event name); the arguments are Polly's <c>ExecutionAttemptArguments</c>.</summary>
    public const string ExecutionAttempt = "ExecutionAttempt";

    /// <summary>A transient failure was not retried because the retry budget was spent.</summary>
    public const string OnRetryBudgetExhausted = "OnRetryBudgetExhausted";

    /// <summary>The shared circuit state stopped answering; the breaker protects on its own counts (arguments: <see cref="SharedStateArguments"/>).</summary>
    public const string OnSharedStateDegraded = "OnSharedStateDegraded";

    /// <summary>The shared circuit state answers (again) (arguments: <see cref="SharedStateArguments"/>).</summary>
    public const string OnSharedStateConnected = "OnSharedStateConnected";

    /// <summary>
    /// A shared circuit's own rules opened it while fewer than the quorum of instances were failing: it opened on this instance only and
    /// the others were not told (arguments: <see cref="FleetQuorum"/>). Reported just before <see cref="OnCircuitOpened"/>.
    /// </summary>
    public const string OnCircuitOpenedLocally = "OnCircuitOpenedLocally";

    /// <summary>
    /// A shared circuit's own rules opened it with the quorum of failing instances reached: the opening was sent to every instance
    /// (arguments: <see cref="FleetQuorum"/>). Reported just before <see cref="OnCircuitOpened"/>.
    /// </summary>
    public const string OnCircuitOpenedFleetWide = "OnCircuitOpenedFleetWide";

    /// <summary>The outcome classifier threw; the attempt counts as a permanent failure.</summary>
    public const string OnClassifierFailed = "OnClassifierFailed";

    /// <summary>
    /// An attempt took at least <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.SlowAttemptThreshold"/> (arguments:
    /// <see cref="SlowAttemptArguments"/>).
    /// </summary>
    public const string OnSlowAttempt = "OnSlowAttempt";
}
