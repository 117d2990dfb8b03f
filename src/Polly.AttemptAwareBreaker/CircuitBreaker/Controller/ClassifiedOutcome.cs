namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>An attempt's outcome with what the breaker made of it.</summary>
/// <typeparam name="T">The type of result.</typeparam>
internal readonly struct ClassifiedOutcome<T>
{
    public ClassifiedOutcome(Outcome<T> outcome, OutcomeClass outcomeClass, bool wasProbe, bool openedCircuit, long finishedAt)
    {
        Outcome = outcome;
        Class = outcomeClass;
        WasProbe = wasProbe;
        OpenedCircuit = openedCircuit;
        WasRejected = false;
        FinishedAt = finishedAt;
    }

    private ClassifiedOutcome(Outcome<T> rejection)
    {
        Outcome = rejection;
        Class = OutcomeClass.Ignored;
        WasRejected = true;
    }

    public Outcome<T> Outcome { get; }

    public OutcomeClass Class { get; }

    public bool WasProbe { get; }

    public bool OpenedCircuit { get; }

    public bool WasRejected { get; }

    /// <summary>Gets the timestamp the attempt's outcome was counted at (0 for a rejection).</summary>
    public long FinishedAt { get; }

    public static ClassifiedOutcome<T> Rejected(Outcome<T> rejection) => new(rejection);
}
