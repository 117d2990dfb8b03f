namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The circuit's answer to a request for one attempt: the ticket of a granted attempt or the rejection, and the state change the
/// request caused (an open circuit whose break ended goes half-open), whose events the caller raises.
/// </summary>
internal readonly struct Admission
{
    public Admission(AttemptTicket ticket, Transition? transition = null)
    {
        Ticket = ticket;
        Transition = transition ?? Transition.None;
        Rejection = null;
    }

    public Admission(ExecutionRejectedException rejection, Transition? transition = null)
    {
        Ticket = default;
        Transition = transition ?? Transition.None;
        Rejection = rejection;
    }

    /// <summary>Gets the ticket of a granted attempt.</summary>
    public AttemptTicket Ticket { get; }

    /// <summary>Gets the rejection, when the attempt was refused.</summary>
    public ExecutionRejectedException? Rejection { get; }

    /// <summary>Gets the state change the request caused, if any.</summary>
    public Transition Transition { get; }

    /// <summary>Gets a value indicating whether the attempt may go ahead.</summary>
    public bool IsGranted => Rejection is null;
}
