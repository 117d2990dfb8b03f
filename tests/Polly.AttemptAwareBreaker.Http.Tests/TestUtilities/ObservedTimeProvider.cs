namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells when a timer with a given due time is created, so a test can advance the
/// clock exactly when the code under test waits on that timer, even though real network I/O runs in between.
/// </summary>
internal sealed class ObservedTimeProvider : TimeProvider
{
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Created)> _watches = [];

    public ObservedTimeProvider(DateTimeOffset start) => Fake = new FakeTimeProvider(start);

    public FakeTimeProvider Fake { get; }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    /// <summary>Returns a task that completes when a timer with <paramref name="dueTime"/> has been created.</summary>
    public Task TimerCreated(TimeSpan dueTime)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watches)
        {
            _watches.Add((dueTime, created));
        }

        return created.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        lock (_watches)
        {
            foreach (var watch in _watches.Where(w => w.DueTime == dueTime).ToList())
            {
                _watches.Remove(watch);
                watch.Created.TrySetResult();
            }
        }

        return timer;
    }
}
