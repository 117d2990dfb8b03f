namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Whether a breaker shares its circuit with other processes, and whether that works right now.
/// </summary>
public enum SharedStateStatus
{
    /// <summary>The breaker is local only.</summary>
    None,

    /// <summary>The shared store answers: the breaker trips on the fleet's counts and follows the fleet's state.</summary>
    Connected,

    /// <summary>The shared store does not answer: the breaker protects on its own counts until it comes back.</summary>
    Degraded,
}
