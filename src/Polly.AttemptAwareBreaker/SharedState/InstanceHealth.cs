namespace Polly.AttemptAwareBreaker;

/// <summary>
/// One instance's share of a shared circuit's health, as the instances exchange it: the attempts in its own sampling window since its
/// circuit last closed (what its snapshot's <see cref="CircuitSnapshot.WindowAttempts"/> shows), its current run of failures, and
/// whether its circuit is open.
/// </summary>
public readonly struct InstanceHealth
{
    /// <summary>
    /// Initializes a new instance of the <see cref="InstanceHealth"/> struct.
    /// </summary>
    /// <param name="successes">The successful attempts in the window.</param>
    /// <param name="failures">The failed attempts in the window (transient and permanent).</param>
    /// <param name="slow">The slow attempts among them (0 when the slow-attempt rule is off).</param>
    /// <param name="consecutiveFailures">The failed attempts since the last successful one.</param>
    /// <param name="isCircuitOpen">Whether the instance's circuit is open, half-open or isolated.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public InstanceHealth(long successes, long failures, long slow, int consecutiveFailures, bool isCircuitOpen = false)
    {
        Successes = NotNegative(successes, nameof(successes));
        Failures = NotNegative(failures, nameof(failures));
        Slow = NotNegative(slow, nameof(slow));
        ConsecutiveFailures = (int)NotNegative(consecutiveFailures, nameof(consecutiveFailures));
        IsCircuitOpen = isCircuitOpen;
    }

    /// <summary>Gets the successful attempts in the window.</summary>
    public long Successes { get; }

    /// <summary>Gets the failed attempts in the window.</summary>
    public long Failures { get; }

    /// <summary>Gets the slow attempts among the successes and failures in the window.</summary>
    public long Slow { get; }

    /// <summary>Gets the failed attempts since the last successful one.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>
    /// Gets a value indicating whether the instance's circuit is open, half-open or isolated. Its window then holds the attempts of
    /// before the opening until the circuit closes: the quorum counts the instance, but a closed circuit does not add these counts to the
    /// fleet's (they would open it again right after it closed).
    /// </summary>
    public bool IsCircuitOpen { get; }

    /// <summary>Gets the counted attempts in the window: <see cref="Successes"/> + <see cref="Failures"/>.</summary>
    public long Throughput => Successes + Failures;

    /// <inheritdoc/>
    public override string ToString() => $"{Successes} successes, {Failures} failures, {Slow} slow, {ConsecutiveFailures} consecutive failures{(IsCircuitOpen ? ", open" : string.Empty)}";

    private static long NotNegative(long value, string name)
        => value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; it cannot be negative.");
}
