namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The class an outcome of one downstream attempt belongs to. One value decides both what the breaker counts
/// and whether the attempt may be retried.
/// </summary>
public enum OutcomeClass
{
    /// <summary>
    /// The downstream answered well. Not retried; counted as a breaker success; closes the circuit from half-open once
    /// enough probes succeed.
    /// </summary>
    Success = 0,

    /// <summary>
    /// A downstream fault that may go away by itself (timeouts, 503, connection resets). Retried; counted as a breaker failure.
    /// </summary>
    TransientFailure = 1,

    /// <summary>
    /// A downstream fault that will not go away by retrying (for example 501 Not Implemented). Not retried; counted as a breaker failure.
    /// </summary>
    PermanentFailure = 2,

    /// <summary>
    /// An outcome that says nothing about the downstream's health (400/404, validation errors, the caller's own cancellation).
    /// Not retried; counted neither as success nor as failure; a half-open probe that ends this way frees its slot
    /// without closing the circuit.
    /// </summary>
    Ignored = 3,
}
