import { useState } from 'react';
import { api } from '../../api/client';
import { useResource } from '../../api/use-resource';
import { useT2 } from '../../i18n/part2.translate';
import { useSession } from '../../session/session';
import { CoUseRequestForm, SHAREABLE_LAYERS } from '../carrier/co-use';
import { HistoryPanel } from './history-panel';
import '../dashboard/dashboard.css';

/**
 * What the part-2 work adds to the map's feature panel (lazy-loaded there):
 * a co-use request for another carrier's shareable structure, and the
 * object's change history with a diff per entry.
 */
export default function FeaturePanelExtras({ layer, resource, id }: { layer: string; resource: string; id: number }) {
  const { user } = useSession();
  const kind = SHAREABLE_LAYERS[layer];
  return (
    <>
      {kind && user?.role === 'carrier' && <CoUseButton layer={layer} resource={resource} id={id} />}
      {user && <HistoryPanel resource={resource} id={id} />}
    </>
  );
}

function CoUseButton({ layer, resource, id }: { layer: string; resource: string; id: number }) {
  const { t2 } = useT2();
  const { user } = useSession();
  const [open, setOpen] = useState(false);
  const detail = useResource<{ ownerCarrierId?: number; code?: string; freeCapacity?: number }>(`extras/${resource}/${id}`, (signal) => api(`/api/${resource}/${id}`, { signal }));
  const kind = SHAREABLE_LAYERS[layer]!;
  if (!detail.data) return null;
  if (detail.data.ownerCarrierId === user?.carrierId) return <p className="p2-muted small">{t2('carrier.coUse.own')}</p>;
  return (
    <section data-testid="panel-co-use">
      {open ? (
        <CoUseRequestForm kind={kind} id={id} code={detail.data.code ?? null} />
      ) : (
        <button type="button" onClick={() => setOpen(true)} data-testid="panel-co-use-open">
          {t2('carrier.requestCoUse')}
        </button>
      )}
    </section>
  );
}
