using System.Diagnostics.Metrics;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// Listens to Polly's meter ("Polly") and records the measurements of the pipelines whose name starts with a prefix. Polly's meter is
/// static, so other tests running at the same time write to it too: a unique prefix per test keeps their events out.
/// </summary>
internal sealed class PollyMetricEvents : IDisposable
{
    public const string MeterName = "Polly";

    private readonly MeterListener _listener = new();
    private readonly List<PollyMetricEvent> _events = [];
    private readonly string _pipelinePrefix;

    public PollyMetricEvents(string pipelinePrefix)
    {
        _pipelinePrefix = pipelinePrefix;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
        _listener.Start();
    }

    public IReadOnlyList<PollyMetricEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var recorded = new PollyMetricEvent(instrument.Name, tags.ToArray());
        if (recorded.PipelineName?.StartsWith(_pipelinePrefix, StringComparison.Ordinal) != true)
        {
            return;
        }

        lock (_events)
        {
            _events.Add(recorded);
        }
    }
}
