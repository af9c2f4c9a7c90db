import { ScheduleDto } from '@peak/api-client';
import { deletionQuestion } from './schedule-deleter';

const schedule = { name: 'Night batch', state: 'idle', latestRun: null } as unknown as ScheduleDto;

describe(deletionQuestion.name, () => {
  it('says nothing in the cloud is touched when no VMs run', () => {
    const sut = deletionQuestion(schedule);

    expect(sut.title).toBe('Delete “Night batch”?');
    expect(sut.paragraphs[0]).toBe('No VMs of this schedule are running: nothing in the cloud is touched.');
    expect(sut.confirmLabel).toBe('Delete schedule');
  });

  it('says the running VMs are deleted now when a window is in progress', () => {
    const sut = deletionQuestion({
      ...schedule,
      state: 'active',
      latestRun: { id: 'r', state: 'active', shortfallReason: null, activeCount: 3, desiredCount: 3, windowStart: '', windowEnd: '' },
    });

    expect(sut.paragraphs[0]).toBe(
      'A peak window is in progress: its 3 of 3 VMs running in the cloud will be deleted now, before the window ends.',
    );
    expect(sut.confirmLabel).toBe('Delete schedule and its VMs');
    expect(sut.destructive).toBe(true);
  });
});
