namespace Polly.AttemptAwareBreaker;

/// <summary>
/// How the instances sharing a circuit stand against its quorum, as this instance judged them when its trip rules last ran: the
/// circuit opens for the whole fleet only when at least <see cref="MinimumFailingInstances"/> instances are failing on their own
/// attempts; otherwise an instance whose own attempts trip the rules opens only its own circuit.
/// </summary>
/// <remarks>
/// An instance is <em>failing</em> when its own attempts in its sampling window would trip the breaker's rules with the minimum
/// throughput lowered to half its even share among the active instances: its failure ratio (or slow-attempt ratio) reaches the
/// configured ratio over at least max(2, ⌈<c>MinimumThroughput</c> / (2 × <see cref="ActiveInstances"/>)⌉) attempts, or its run of
/// failures reaches <c>ConsecutiveFailureThreshold</c>. This instance is judged on its current counts, the others on the counts of the
/// latest exchange. The fleet-wide opening itself still needs the fleet's summed counts to trip the rules.
/// </remarks>
public sealed class FleetQuorum
{
    internal FleetQuorum(int activeInstances, int failingInstances, int minimumFailingInstances)
    {
        ActiveInstances = activeInstances;
        FailingInstances = failingInstances;
        MinimumFailingInstances = minimumFailingInstances;
    }

    /// <summary>Gets the instances with attempts in their sampling window, this one included.</summary>
    public int ActiveInstances { get; }

    /// <summary>Gets the instances failing on their own attempts, this one included.</summary>
    public int FailingInstances { get; }

    /// <summary>Gets how many instances must be failing for the circuit to open fleet-wide (the shared state's option).</summary>
    public int MinimumFailingInstances { get; }

    /// <summary>Gets a value indicating whether enough instances are failing for the circuit to open fleet-wide.</summary>
    public bool IsReached => FailingInstances >= MinimumFailingInstances;

    /// <inheritdoc/>
    public override string ToString() => $"{FailingInstances} of {ActiveInstances} instances failing (quorum {MinimumFailingInstances})";
}
