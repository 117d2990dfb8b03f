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
                await WaitAsync(delay, cancellationToken).ConfigureAwait(false);
            }

            return new HttpResponseMessage(Behaviour(Now));
        }
        finally
        {
            InFlight--;
        }
    }

    /// <summary>
    /// Waits out the latency on the virtual clock, or until the caller cancels. Not <c>Task.Delay</c>: when its wait is cancelled it
    /// resumes the caller on the thread pool, which would then run on while the simulation's loop advances the clock (the run would stop
    /// being deterministic and could lose operations). Here the caller resumes where the timer fires or the token is cancelled: inside
    /// the clock's advance, as every other continuation in the simulation does.
    /// </summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource();
        using var timer = time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), done, delay, System.Threading.Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.Register(static s => ((TaskCompletionSource)s!).TrySetCanceled(), done);
        await done.Task.ConfigureAwait(false);
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
