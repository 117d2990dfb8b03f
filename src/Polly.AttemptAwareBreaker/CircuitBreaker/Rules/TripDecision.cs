namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// The verdict of a trip rule: open or not, why, and the failure rate and count that the break duration generator receives.
/// </summary>
internal readonly struct TripDecision
{
    private TripDecision(CircuitStateChangeReason reason, double failureRate, int failureCount)
    {
        Trips = true;
        Reason = reason;
        FailureRate = failureRate;
        FailureCount = failureCount;
    }

    /// <summary>Gets the verdict that keeps the circuit closed.</summary>
    public static TripDecision None => default;

    /// <summary>Gets a value indicating whether the circuit opens.</summary>
    public bool Trips { get; }

    /// <summary>Gets why the circuit opens.</summary>
    public CircuitStateChangeReason Reason { get; }

    /// <summary>Gets the failure rate behind the decision.</summary>
    public double FailureRate { get; }

    /// <summary>Gets the failure count behind the decision.</summary>
    public int FailureCount { get; }

    /// <summary>Creates the verdict that opens the circuit.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="failureRate">The failure rate behind the decision.</param>
    /// <param name="failureCount">The failure count behind the decision.</param>
    /// <returns>The verdict.</returns>
    public static TripDecision Open(CircuitStateChangeReason reason, double failureRate, long failureCount)
        => new(reason, failureRate, (int)Math.Min(failureCount, int.MaxValue));
}
