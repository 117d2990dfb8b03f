using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The service under outage: answers each call with the status its behaviour gives for the current virtual time,
/// after an optional virtual latency. Records when every call arrived.
/// </summary>
internal sealed class SimulatedDownstream(FakeTimeProvider time, Func<TimeSpan, HttpStatusCode> behaviour, TimeSpan latency = default)
{
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly List<TimeSpan> _arrivals = [];

    public int Calls => _arrivals.Count;

    public IReadOnlyList<TimeSpan> Arrivals => _arrivals;

    public Func<TimeSpan, HttpStatusCode> Behaviour { get; set; } = behaviour;

    /// <summary>Gets the number of calls the downstream is working on right now.</summary>
    public int InFlight { get; private set; }

    /// <summary>Gets or sets a callback run when a call arrives (after it is counted in <see cref="InFlight"/>).</summary>
    public Action? OnArrival { get; set; }

    public TimeSpan Now => time.GetUtcNow() - _start;

    public async Task<HttpResponseMessage> SendAsync(CancellationToken cancellationToken)
    {
        _arrivals.Add(Now);
        InFlight++;
        try
        {
            OnArrival?.Invoke();
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, time, cancellationToken).ConfigureAwait(false);
            }

            return new HttpResponseMessage(Behaviour(Now));
        }
        finally
        {
            InFlight--;
        }
    }
}
