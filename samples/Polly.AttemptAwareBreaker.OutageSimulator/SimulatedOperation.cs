namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>One caller's operation through a row's pipeline: when it started and finished, its downstream calls and whether it succeeded.</summary>
internal sealed class SimulatedOperation
{
    public TimeSpan Started { get; init; }

    public TimeSpan Finished { get; private set; }

    public bool IsCompleted { get; private set; }

    /// <summary>Gets a value indicating whether the operation ended with a successful answer (not an exception, not an error status).</summary>
    public bool Succeeded { get; private set; }

    /// <summary>Gets the number of downstream calls this operation made (counted by the client's callback).</summary>
    public AttemptCounter Attempts { get; } = new();

    public Outcome<HttpResponseMessage> Outcome { get; private set; }

    /// <summary>Waits for the operation and records its end; <paramref name="onCompleted"/> runs when it ends.</summary>
    public async Task TrackAsync(Task<Outcome<HttpResponseMessage>> operation, Func<TimeSpan> now, Action onCompleted)
    {
        Outcome = await operation.ConfigureAwait(false);
        Succeeded = Outcome.Exception is null && Outcome.Result?.IsSuccessStatusCode == true;
        Outcome.Result?.Dispose();
        Finished = now();
        IsCompleted = true;
        onCompleted();
    }
}
