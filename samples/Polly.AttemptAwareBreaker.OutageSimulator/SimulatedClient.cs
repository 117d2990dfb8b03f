using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// One configuration under test: a real resilience pipeline in front of the simulated downstream.
/// </summary>
internal sealed class SimulatedClient
{
    private readonly List<TimeSpan> _openings = [];

    public required ResiliencePipeline<HttpResponseMessage> Pipeline { get; init; }

    /// <summary>Gets the circuit's state, read through the configuration's own state provider.</summary>
    public required Func<CircuitState> State { get; init; }

    /// <summary>
    /// Gets a value indicating whether the caller throws on non-success answers (<c>EnsureSuccessStatusCode</c>, the usual
    /// exception-driven Polly code) or hands the response to the pipeline (Microsoft's handler works on responses).
    /// </summary>
    public required bool ThrowsOnErrorStatus { get; init; }

    public required SimulatedDownstream Downstream { get; init; }

    public required string Name { get; init; }

    /// <summary>Gets the virtual time the circuit first opened, if it did.</summary>
    public TimeSpan? FirstOpenedAt { get; private set; }

    /// <summary>Gets the downstream calls made when the circuit first opened.</summary>
    public int CallsAtFirstOpen { get; private set; }

    public int TimesOpened => _openings.Count;

    /// <summary>Gets the virtual times the circuit opened, in order.</summary>
    public IReadOnlyList<TimeSpan> Openings => _openings;

    public void OnOpened()
    {
        _openings.Add(Downstream.Now);
        if (FirstOpenedAt is null)
        {
            FirstOpenedAt = Downstream.Now;
            CallsAtFirstOpen = Downstream.Calls;
        }
    }

    public Task<Outcome<HttpResponseMessage>> SendAsync(AttemptCounter attempts, CancellationToken cancellationToken = default)
        => Pipeline.ExecuteOutcomeAsync(
            static async (context, state) =>
            {
                var (client, attempts) = state;
                try
                {
                    attempts.Count++;
                    var response = await client.Downstream.SendAsync(context.CancellationToken).ConfigureAwait(false);
                    if (client.ThrowsOnErrorStatus)
                    {
                        response.EnsureSuccessStatusCode();
                    }

                    return Outcome.FromResult(response);
                }
                catch (Exception ex)
                {
                    return Outcome.FromException<HttpResponseMessage>(ex);
                }
            },
            ResilienceContextPool.Shared.Get(cancellationToken),
            (this, attempts)).AsTask();
}

/// <summary>Counts the downstream calls of one operation.</summary>
internal sealed class AttemptCounter
{
    public int Count { get; set; }
}
