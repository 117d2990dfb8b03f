using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The service under outage: answers each call, after a virtual latency that may depend on when the call arrived, with the status its
/// behaviour gives for the virtual time of the answer. Records when every call arrived.
/// </summary>
internal sealed class SimulatedDownstream(FakeTimeProvider time, Func<TimeSpan, HttpStatusCode> behaviour, Func<TimeSpan, TimeSpan> latency)
{
    private readonly DateTimeOffset _start = time.GetUtcNow();
    private readonly List<TimeSpan> _arrivals = [];

    public SimulatedDownstream(FakeTimeProvider time, Func<TimeSpan, HttpStatusCode> behaviour, TimeSpan latency = default)
        : this(time, behaviour, _ => latency)
    {
    }

    public int Calls => _arrivals.Count;

    /// <summary>Gets when every call arrived, in the order they did.</summary>
    public IReadOnlyList<TimeSpan> Arrivals => _arrivals;

    public Func<TimeSpan, HttpStatusCode> Behaviour { get; set; } = behaviour;

    /// <summary>Gets the number of calls the downstream is working on right now.</summary>
    public int InFlight { get; private set; }

    /// <summary>Gets or sets a callback run when a call arrives (after it is counted in <see cref="InFlight"/>).</summary>
    public Action? OnArrival { get; set; }

    public TimeSpan Now => time.GetUtcNow() - _start;

    /// <summary>Returns how many calls arrived in the second up to <paramref name="now"/>: (now − 1 s, now].</summary>
    /// <param name="now">A virtual time.</param>
    /// <returns>The count.</returns>
    public int ArrivalsInSecondBefore(TimeSpan now) => CountUpTo(now) - CountUpTo(now - TimeSpan.FromSeconds(1));

    public async Task<HttpResponseMessage> SendAsync(CancellationToken cancellationToken)
    {
        var arrival = Now;
        _arrivals.Add(arrival);
        InFlight++;
        try
        {
            OnArrival?.Invoke();
            if (latency(arrival) is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }

            return new HttpResponseMessage(Behaviour(Now));
        }
        finally
        {
            InFlight--;
        }
    }

    /// <summary>Returns how many calls arrived at or before <paramref name="time"/> (arrivals are in order: a binary search).</summary>
    private int CountUpTo(TimeSpan time)
    {
        int low = 0, high = _arrivals.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_arrivals[middle] <= time)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
