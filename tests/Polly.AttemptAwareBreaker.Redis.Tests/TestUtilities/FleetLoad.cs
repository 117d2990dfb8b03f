using System.Collections.Concurrent;
using System.Diagnostics;

namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>
/// Concurrent callers on every instance of a fleet, each calling at its own pace with a timeout per call, until stopped. Counts the calls
/// made and completed, the worst latency, and every outcome whose exception is not one a caller of the breaker expects (the downstream's
/// failure, the circuit's rejection, or its own timeout).
/// </summary>
internal sealed class FleetLoad
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<Exception> _unexpected = new();
    private readonly Task _callers;
    private readonly TimeSpan _callTimeout;
    private long _made;
    private long _completed;
    private long _timedOut;
    private long _worstTicks;

    private FleetLoad(Fleet fleet, int callersPerInstance, TimeSpan pace, TimeSpan callTimeout)
    {
        _callTimeout = callTimeout;
        _callers = Task.WhenAll(fleet.Instances.SelectMany(instance => Enumerable.Range(0, callersPerInstance).Select(_ => Task.Run(() => CallLoopAsync(instance, pace)))));
    }

    public long Made => Interlocked.Read(ref _made);

    public long Completed => Interlocked.Read(ref _completed);

    public long TimedOut => Interlocked.Read(ref _timedOut);

    public TimeSpan WorstLatency => TimeSpan.FromTicks(Interlocked.Read(ref _worstTicks));

    public IReadOnlyCollection<Exception> Unexpected => _unexpected;

    public static FleetLoad Start(Fleet fleet, int callersPerInstance, TimeSpan pace, TimeSpan callTimeout)
        => new(fleet, callersPerInstance, pace, callTimeout);

    /// <summary>Stops the callers and waits (bounded) for the calls in flight; returns the calls that never completed.</summary>
    public async Task<long> StopAsync(TimeSpan wait)
    {
        await _stop.CancelAsync();
        try
        {
            await _callers.WaitAsync(wait);
        }
        catch (TimeoutException)
        {
            // Reported as lost calls.
        }

        return Made - Completed;
    }

    public override string ToString()
        => $"{Made} calls made, {Completed} completed, {Made - Completed} lost, {TimedOut} timed out, worst latency {WorstLatency.TotalMilliseconds:F0} ms " +
           $"(call timeout {_callTimeout.TotalMilliseconds:F0} ms), {Unexpected.Count} unexpected exceptions";

    private async Task CallLoopAsync(Fleet.Instance instance, TimeSpan pace)
    {
        using var timer = new PeriodicTimer(pace);
        while (await WaitAsync(timer))
        {
            Interlocked.Increment(ref _made);
            using var timeout = new CancellationTokenSource(_callTimeout);
            var started = Stopwatch.GetTimestamp();
            var outcome = await instance.CallAsync(cancellationToken: timeout.Token);
            var latency = Stopwatch.GetElapsedTime(started).Ticks;
            for (var worst = Interlocked.Read(ref _worstTicks); latency > worst && Interlocked.CompareExchange(ref _worstTicks, latency, worst) != worst; worst = Interlocked.Read(ref _worstTicks))
            {
            }

            switch (outcome.Exception)
            {
                case null or HttpRequestException or BrokenCircuitException:
                    break;
                case OperationCanceledException when timeout.IsCancellationRequested:
                    Interlocked.Increment(ref _timedOut);
                    break;
                case { } other:
                    _unexpected.Enqueue(other);
                    break;
            }

            Interlocked.Increment(ref _completed);
        }
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
