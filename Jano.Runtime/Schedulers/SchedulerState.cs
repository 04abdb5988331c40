namespace Jano.Runtime.Schedulers;

/// <summary>The step counter every scheduler keeps: steps must come in order, once each, after SetTimesteps.</summary>
internal struct SchedulerState
{
    private int _next;
    private int _steps;

    public void Reset(int steps)
    {
        _steps = steps;
        _next = 0;
    }

    public readonly int Steps => _steps;

    public void Advance(string name, int index)
    {
        if (_steps == 0) throw new InvalidOperationException($"{name}: call SetTimesteps before Step");
        if (index >= _steps || _next >= _steps)
            throw new InvalidOperationException($"{name}: step {index} after the last of {_steps} steps; call SetTimesteps to start again");
        if (index != _next)
            throw new InvalidOperationException($"{name}: step {index} called where step {_next} comes next (a scheduler's steps run in order, once each)");
        _next++;
    }
}
