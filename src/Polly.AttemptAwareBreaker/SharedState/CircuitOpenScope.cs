namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Whether an open (or half-open, or isolated) circuit is open on this instance only or for every instance sharing it.
/// </summary>
public enum CircuitOpenScope
{
    /// <summary>The circuit is closed.</summary>
    None,

    /// <summary>
    /// Open on this instance only: the breaker is not shared, the circuit was isolated here, or (shared) this instance's own attempts
    /// tripped the rules while fewer than the quorum of instances were failing, so the others were not told.
    /// </summary>
    Local,

    /// <summary>Open for every instance sharing the circuit: this instance opened it with the quorum reached, or followed the fleet.</summary>
    FleetWide,
}
