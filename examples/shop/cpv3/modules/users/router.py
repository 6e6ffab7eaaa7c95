from typing import Annotated, List

from fastapi import APIRouter, Depends, HTTPException, Query, status

from cpv3.core.db import SessionDep
from cpv3.core.exceptions import ConflictError, NotFoundError

from .schemas import UserCreate, UserRead, UserUpdate
from .service import UserService

router = APIRouter(prefix="/users", tags=["users"])


def get_user_service(session: SessionDep) -> UserService:
    return UserService(session)


ServiceDep = Annotated[UserService, Depends(get_user_service)]


@router.get("/", response_model=List[UserRead])
async def list_users(
    service: ServiceDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
):
    return await service.list(offset=offset, limit=limit)


@router.post("/", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def register_user(data: UserCreate, service: ServiceDep):
    try:
        return await service.register(data)
    except ConflictError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=exc.message) from exc


@router.get("/{user_id}", response_model=UserRead)
async def get_user(user_id: int, service: ServiceDep):
    try:
        return await service.get(user_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.patch("/{user_id}", response_model=UserRead)
async def update_user(user_id: int, data: UserUpdate, service: ServiceDep):
    try:
        return await service.update(user_id, data)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def deactivate_user(user_id: int, service: ServiceDep) -> None:
    try:
        await service.deactivate(user_id)
    except NotFoundError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=exc.message) from exc
